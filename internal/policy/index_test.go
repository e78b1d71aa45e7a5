package policy

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/finding"
)

// The index may only ever narrow the search: every exception that covers a
// finding must be among its candidates, in policy order. Random selectors
// over a small alphabet make literal, prefix, escaped, class and
// case-folded patterns collide with random subjects often.
func TestIndexNeverLosesAnException(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	atoms := []string{"a", "b", "A", "É", "é", "-", "*", "?", "[ab]", "[^a]", "]", `\*`, `\a`, "\xe2\x80", "\xe2\x80\x99", ""}
	word := func(n int) string {
		s := ""
		for range r.IntN(n) {
			s += atoms[r.IntN(len(atoms))]
		}
		return s
	}
	value := func() string { // subjects carry no pattern syntax, but may carry the literal characters
		s := ""
		for range r.IntN(5) {
			s += []string{"a", "b", "A", "É", "é", "-", "*", "\xe2\x80", "\xe2\x80\x99"}[r.IntN(9)]
		}
		return s
	}
	checks := []string{"K8S-001", "k8s-001", "K8S-002", "IMG-001"}
	var p Policy
	for range 400 {
		e := Exception{Resources: Selector{}}
		for range 1 + r.IntN(2) {
			e.Checks = append(e.Checks, CheckRef{ID: checks[r.IntN(len(checks))]})
		}
		pick := func() string {
			if r.IntN(2) == 0 {
				return ""
			}
			return word(4)
		}
		e.Resources.Name, e.Resources.ARMID, e.Resources.Namespace = pick(), pick(), pick()
		e.Resources.Image, e.Resources.Kind = pick(), pick()
		if r.IntN(4) == 0 {
			e.Resources.Vulnerabilities = []string{"cve-1", word(3)}
		}
		if r.IntN(3) == 0 {
			e.Resources.Labels = map[string]string{"app": []string{"a", "b"}[r.IntN(2)]}
			if r.IntN(2) == 0 {
				e.Resources.Labels["tier"] = "x"
			}
		}
		p.Exceptions = append(p.Exceptions, e)
	}
	x := p.NewIndex()
	var buf []int
	covered := 0
	for range 20000 {
		f := finding.Finding{
			CheckID:  checks[r.IntN(len(checks))],
			Subject:  finding.Subject{Kind: value(), Namespace: value(), Name: value()},
			Evidence: value(),
		}
		if r.IntN(3) == 0 {
			f.Advisories = []string{"CVE-1", value()}
		}
		obj := Object{Labels: map[string]string{"app": []string{"a", "b"}[r.IntN(2)]}}
		if r.IntN(2) == 0 {
			obj.Labels["tier"] = "x"
		}
		buf = x.Candidates(&f, obj, buf)
		if !slices.IsSorted(buf) || len(slices.Compact(slices.Clone(buf))) != len(buf) {
			t.Fatalf("candidates %v not in policy order or repeated", buf)
		}
		for j := range p.Exceptions {
			if p.Exceptions[j].Covers(&f, obj) {
				covered++
				if !slices.Contains(buf, j) {
					t.Fatalf("exception %d %+v covers %+v but the index does not offer it", j, p.Exceptions[j], f)
				}
			}
		}
	}
	if covered < 500 {
		t.Fatalf("only %d coverings: the generator does not exercise the index", covered)
	}
}
