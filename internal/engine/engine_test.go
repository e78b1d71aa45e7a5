package engine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

func testChecks() []*check.Check {
	meta := func(id string) check.Meta {
		return check.Meta{ID: id, Title: id, Severity: finding.SeverityHigh, Area: "test", Description: "d", Remediation: "r",
			Controls: check.Controls{Practice: "container"}, Kinds: []string{"ConfigMap"}}
	}
	return []*check.Check{
		{Meta: meta("K8S-T01"), Eval: func(_ *check.Context, o *inventory.Object, r *check.Report) {
			r.Fail(nil, "", "seen %s", o.Meta.Name)
		}},
		{Meta: meta("K8S-T02"), Eval: func(_ *check.Context, o *inventory.Object, r *check.Report) {
			if o.Meta.Name == "cm-7" {
				panic("boom")
			}
		}},
	}
}

func TestRunIsCompleteDeterministicAndSurvivesPanics(t *testing.T) {
	var b strings.Builder
	for i := range 100 {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-%d}\n", i)
	}
	b.WriteString("---\napiVersion: v1\nkind: Secret\nmetadata: {name: other-kind}\n")
	p := manifest.Parse("cms.yaml", []byte(b.String()), manifest.DefaultLimits)
	inv := inventory.New(p.Objects)

	first := Run(inv, testChecks(), &check.Settings{}, Options{Workers: 1})
	for _, workers := range []int{2, 7} {
		got := Run(inv, testChecks(), &check.Settings{}, Options{Workers: workers})
		if fmt.Sprint(got.Findings) != fmt.Sprint(first.Findings) {
			t.Errorf("%d workers changed the findings or their order", workers)
		}
	}
	if len(first.Findings) != 100 {
		t.Errorf("findings = %d, want one per ConfigMap (100)", len(first.Findings))
	}
	for i := 1; i < len(first.Findings); i++ {
		if first.Findings[i-1].Location.Line > first.Findings[i].Location.Line {
			t.Fatalf("findings not in file order at %d", i)
		}
	}
	// A crashing check is reported, never counted as a pass.
	if len(first.Errors) != 1 || first.Errors[0].CheckID != "K8S-T02" || first.Errors[0].Subject.Name != "cm-7" || !strings.Contains(first.Errors[0].Err, "boom") {
		t.Errorf("errors = %+v", first.Errors)
	}
	// Checks only see the kinds they declare: 100 × T01 + 99 × T02.
	if first.Evaluations != 199 {
		t.Errorf("evaluations = %d, want 199", first.Evaluations)
	}
}

func TestSortMatchesSortedOrder(t *testing.T) {
	var fs []finding.Finding
	for i := range 500 {
		fs = append(fs, finding.Finding{CheckID: fmt.Sprintf("K8S-%03d", (i*7)%13), Location: finding.Location{File: fmt.Sprintf("f%d.yaml", (i*31)%5), Line: (i * 17) % 23}})
	}
	Sort(fs)
	for i := 1; i < len(fs); i++ {
		a, b := fs[i-1], fs[i]
		if a.Location.File > b.Location.File || a.Location.File == b.Location.File && (a.Location.Line > b.Location.Line || a.Location.Line == b.Location.Line && a.CheckID > b.CheckID) {
			t.Fatalf("out of order at %d: %+v then %+v", i, a, b)
		}
	}
	seen := map[string]int{}
	for _, f := range fs {
		seen[f.CheckID+f.Location.String()]++
	}
	total := 0
	for _, n := range seen {
		total += n
	}
	if total != 500 {
		t.Errorf("sort lost or duplicated findings: %d", total)
	}
}

// Unmerged results walked with Each give the findings Run merges, in the
// same order, on more findings than one worker block holds.
func TestUnmergedEachMatchesMerged(t *testing.T) {
	var b strings.Builder
	for i := range 1500 {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-%d}\n", i)
	}
	p := manifest.Parse("cms.yaml", []byte(b.String()), manifest.DefaultLimits)
	inv := inventory.New(p.Objects)
	checks := append(testChecks(), &check.Check{Meta: testChecks()[0].Meta, Eval: func(_ *check.Context, o *inventory.Object, r *check.Report) {
		// Two findings at the same place, ordered by message only.
		r.Fail(nil, "", "z second of %s", o.Meta.Name)
		r.Fail(nil, "", "a first of %s", o.Meta.Name)
	}})
	checks[2].ID = "K8S-T03"
	want := Run(inv, checks, &check.Settings{}, Options{Workers: 1})
	if len(want.Findings) != 4500 {
		t.Fatalf("findings = %d, want 4500", len(want.Findings))
	}
	for _, workers := range []int{1, 2, 7} {
		got := Run(inv, checks, &check.Settings{}, Options{Workers: workers, Unmerged: true})
		if got.Findings != nil {
			t.Fatalf("%d workers: Unmerged filled Findings", workers)
		}
		if got.Len() != len(want.Findings) {
			t.Fatalf("%d workers: Len = %d, want %d", workers, got.Len(), len(want.Findings))
		}
		var fs []finding.Finding
		got.Each(func(f *finding.Finding) { fs = append(fs, *f) })
		if fmt.Sprint(fs) != fmt.Sprint(want.Findings) {
			t.Errorf("%d workers: Each walks other findings or another order than the merged result", workers)
		}
		// The crash's stack differs from run to run; where and what not.
		if len(got.Errors) != 1 || got.Errors[0].Subject != want.Errors[0].Subject || got.Errors[0].CheckID != want.Errors[0].CheckID {
			t.Errorf("%d workers: errors = %v, want %v", workers, got.Errors, want.Errors)
		}
		if got.Len() != 0 {
			t.Errorf("%d workers: Each kept %d findings", workers, got.Len())
		}
	}
}
