package policy

import (
	"maps"
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
// namespace, image, kind, labels) that has a literal to key it by, else
// wild.
type checkIndex struct {
	name, armID, namespace, image, kind keyIndex
	vulns, labels                       map[string][]int
	wild                                []int
}

// keyIndex finds the patterns a value may match: literal patterns by the
// whole value, globs by their literal prefix or, when they start with a
// special character (*-canary), by their literal suffix. Only the lengths
// in use are tried, so a lookup costs a handful of map probes.
type keyIndex struct {
	exact, prefix, suffix map[string][]int
	plens, slens          []int
}

func (k *keyIndex) add(pat string, i int) {
	lit, glob := literalPrefix(pat)
	switch {
	case !glob:
		k.exact = addTo(k.exact, lit, i)
	case lit != "":
		k.prefix = addTo(k.prefix, lit, i)
		if !slices.Contains(k.plens, len(lit)) {
			k.plens = append(k.plens, len(lit))
		}
	default:
		suf := literalSuffix(pat)
		k.suffix = addTo(k.suffix, suf, i)
		if !slices.Contains(k.slens, len(suf)) {
			k.slens = append(k.slens, len(suf))
		}
	}
}

func addTo(m map[string][]int, key string, i int) map[string][]int {
	if m == nil {
		m = map[string][]int{}
	}
	m[key] = append(m[key], i)
	return m
}

func (k *keyIndex) empty() bool { return k.exact == nil && k.prefix == nil && k.suffix == nil }

func (k *keyIndex) lookup(v string, out []int) []int {
	out = append(out, k.exact[v]...)
	for _, n := range k.plens {
		if n <= len(v) {
			out = append(out, k.prefix[v[:n]]...)
		}
	}
	for _, n := range k.slens {
		if n <= len(v) {
			out = append(out, k.suffix[v[len(v)-n:]]...)
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

// literalSuffix is the part of a pattern after its last special character:
// whatever the pattern matches ends with it. (After an escape the rest is
// literal too; a class's closing bracket ends the class.)
func literalSuffix(pat string) string {
	return pat[strings.LastIndexAny(pat, `*?[]\`)+1:]
}

// keyable: a pattern can be indexed when it is set and has a literal
// prefix or suffix (a bare * would put it in a bucket every value reaches).
func keyable(pat string) bool {
	if pat == "" {
		return false
	}
	lit, glob := literalPrefix(pat)
	return !glob || lit != "" || literalSuffix(pat) != ""
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

func (ci *checkIndex) add(e *Exception, i int) {
	s := &e.Resources
	switch {
	case keyable(s.Name):
		ci.name.add(s.Name, i)
	// Keyed and looked up lowered exactly as Covers compares them.
	case keyable(strings.ToLower(s.ARMID)):
		ci.armID.add(strings.ToLower(s.ARMID), i)
	// Covers matches advisory ids against f.Advisories only; an alias
	// matched elsewhere would need its key here too.
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
	case keyable(s.Namespace):
		ci.namespace.add(s.Namespace, i)
	case keyable(s.Image):
		ci.image.add(s.Image, i)
	case keyable(s.Kind):
		ci.kind.add(s.Kind, i)
	case len(s.Labels) > 0:
		// Every label must match: one of them, the first by key, will do.
		k := slices.Min(slices.Collect(maps.Keys(s.Labels)))
		ci.labels = addTo(ci.labels, k+"\x00"+s.Labels[k], i)
	default:
		ci.wild = append(ci.wild, i)
	}
}

// Candidates appends to buf, in policy order and without repeats, the
// positions of the exceptions that may cover f on an object with obj's
// labels.
func (x *Index) Candidates(f *finding.Finding, obj Object, buf []int) []int {
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
	if ci.labels != nil {
		for k, v := range obj.Labels {
			buf = append(buf, ci.labels[k+"\x00"+v]...)
		}
	}
	buf = append(buf, ci.wild...)
	slices.Sort(buf)
	return slices.Compact(buf)
}
