package policy

import (
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/finding"
)

// Index narrows the exceptions a finding has to be tried against. Trying
// every finding against every exception cost findings × exceptions (6,500
// exceptions over 5,000 pods: 20 CPU-seconds); the index files each
// exception under its check ids and under the most selective literal part
// of its selector, so a finding only meets the exceptions that could cover
// it. It returns a superset: Covers still decides.
type Index struct {
	byCheck map[string]*checkIndex
}

// checkIndex holds one check's exceptions. Each exception sits in exactly
// one bucket: the first of its fields (name or ARM id, advisories,
// namespace, image, kind) whose pattern begins with a literal, else wild.
type checkIndex struct {
	name, armID, namespace, image, kind keyIndex
	vulns                               map[string][]int
	wild                                []int
}

// keyIndex finds the patterns a value may match: literal patterns by the
// whole value, globs by their literal prefix. Only the prefix lengths in
// use are tried, so a lookup costs a handful of map probes.
type keyIndex struct {
	exact, prefix map[string][]int
	lens          []int
}

func (k *keyIndex) add(pat string, i int) {
	lit, glob := literalPrefix(pat)
	if !glob {
		if k.exact == nil {
			k.exact = map[string][]int{}
		}
		k.exact[lit] = append(k.exact[lit], i)
		return
	}
	if k.prefix == nil {
		k.prefix = map[string][]int{}
	}
	k.prefix[lit] = append(k.prefix[lit], i)
	if !slices.Contains(k.lens, len(lit)) {
		k.lens = append(k.lens, len(lit))
	}
}

func (k *keyIndex) empty() bool { return k.exact == nil && k.prefix == nil }

func (k *keyIndex) lookup(v string, out []int) []int {
	out = append(out, k.exact[v]...)
	for _, n := range k.lens {
		if n <= len(v) {
			out = append(out, k.prefix[v[:n]]...)
		}
	}
	return out
}

// literalPrefix is the part of a path.Match pattern before its first
// special character, and whether it has one.
func literalPrefix(pat string) (string, bool) {
	if i := strings.IndexAny(pat, `*?[\`); i >= 0 {
		return pat[:i], true
	}
	return pat, false
}

// NewIndex indexes the policy's exceptions by position in p.Exceptions.
func (p *Policy) NewIndex() *Index {
	x := &Index{byCheck: map[string]*checkIndex{}}
	if p == nil {
		return x
	}
	for i := range p.Exceptions {
		e := &p.Exceptions[i]
		var done []string
		for _, c := range e.Checks {
			id := strings.ToUpper(c.ID)
			if slices.Contains(done, id) {
				continue
			}
			done = append(done, id)
			ci := x.byCheck[id]
			if ci == nil {
				ci = &checkIndex{}
				x.byCheck[id] = ci
			}
			ci.add(e, i)
		}
	}
	return x
}

// nonEmptyKey: a pattern is worth indexing by when it does not start with
// a special character (a leading * would put it in a bucket every value
// reaches).
func nonEmptyKey(pat string) bool {
	lit, _ := literalPrefix(pat)
	return lit != ""
}

func (ci *checkIndex) add(e *Exception, i int) {
	s := &e.Resources
	switch {
	case nonEmptyKey(s.Name):
		ci.name.add(s.Name, i)
	// Keyed and looked up lowered exactly as Covers compares them.
	case nonEmptyKey(strings.ToLower(s.ARMID)):
		ci.armID.add(strings.ToLower(s.ARMID), i)
	case len(s.Vulnerabilities) > 0 && !slices.ContainsFunc(s.Vulnerabilities, func(v string) bool { _, g := literalPrefix(v); return g }):
		if ci.vulns == nil {
			ci.vulns = map[string][]int{}
		}
		for _, v := range s.Vulnerabilities {
			v = strings.ToUpper(v)
			if !slices.Contains(ci.vulns[v], i) {
				ci.vulns[v] = append(ci.vulns[v], i)
			}
		}
	case nonEmptyKey(s.Namespace):
		ci.namespace.add(s.Namespace, i)
	case nonEmptyKey(s.Image):
		ci.image.add(s.Image, i)
	case nonEmptyKey(s.Kind):
		ci.kind.add(s.Kind, i)
	default:
		ci.wild = append(ci.wild, i)
	}
}

// Candidates appends to buf, in policy order and without repeats, the
// positions of the exceptions that may cover f.
func (x *Index) Candidates(f *finding.Finding, buf []int) []int {
	buf = buf[:0]
	ci := x.byCheck[strings.ToUpper(f.CheckID)]
	if ci == nil {
		return buf
	}
	buf = ci.name.lookup(f.Subject.Name, buf)
	if !ci.armID.empty() {
		buf = ci.armID.lookup(strings.ToLower(f.Subject.Name), buf)
	}
	for _, a := range f.Advisories {
		buf = append(buf, ci.vulns[strings.ToUpper(a)]...)
	}
	buf = ci.namespace.lookup(f.Subject.Namespace, buf)
	buf = ci.image.lookup(f.Evidence, buf)
	buf = ci.kind.lookup(f.Subject.Kind, buf)
	buf = append(buf, ci.wild...)
	slices.Sort(buf)
	return slices.Compact(buf)
}
