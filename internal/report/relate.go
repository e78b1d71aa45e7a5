package report

import (
	"cmp"
	"slices"
	"strings"
)

// Relate groups findings that share one root cause: findings on the same
// object (same subject in the same file) whose fields are equal or one
// encloses the other (a hostPath volume flagged by K8S-005, K8S-007 and
// K8S-026 at spec.volumes[0] and spec.volumes[0].hostPath.path; an image
// tag flagged by K8S-040 and K8S-042). Grouping is transitive. The primary
// of a group is its most pressing finding: blocking first, then not
// excepted, then the most severe; it gets Related, the others RelatedTo.
//
// Nothing is dropped: every finding stays in the report, and the gate and
// baselines count each one. Findings without a field are never grouped.
// Cost is O(n log n) comparisons of fields, whatever their shape.
func Relate(fs []Finding) {
	type objectKey struct {
		subject Subject
		file    string
	}
	byObject := map[objectKey][]int{}
	var order []objectKey
	for i := range fs {
		fs[i].Related, fs[i].RelatedTo = nil, ""
		if fs[i].Field == "" {
			continue
		}
		k := objectKey{fs[i].Subject, fs[i].Location.File}
		if _, ok := byObject[k]; !ok {
			order = append(order, k)
		}
		byObject[k] = append(byObject[k], i)
	}
	for _, k := range order {
		if idx := byObject[k]; len(idx) > 1 {
			relateObject(fs, idx)
		}
	}
}

// relateObject groups the findings fs[idx] of one object.
func relateObject(fs []Finding, idx []int) {
	// Sorted with the path separators lowest, an enclosing field is
	// directly followed by everything it encloses, so one pass with a
	// stack of enclosing fields finds each field's nearest one.
	sorted := slices.Clone(idx)
	slices.SortStableFunc(sorted, func(a, b int) int { return compareFields(fs[a].Field, fs[b].Field) })
	root := make(map[int]int, len(idx))
	var stack []int
	for _, i := range sorted {
		f := fs[i].Field
		for len(stack) > 0 && !encloses(fs[stack[len(stack)-1]].Field, f) {
			stack = stack[:len(stack)-1]
		}
		root[i] = i
		if len(stack) > 0 {
			root[i] = root[stack[len(stack)-1]]
		}
		stack = append(stack, i)
	}
	groups := map[int][]int{}
	var roots []int
	for _, i := range idx {
		r := root[i]
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], i)
	}
	for _, r := range roots {
		g := groups[r]
		if len(g) < 2 {
			continue
		}
		slices.SortStableFunc(g, func(a, b int) int { return comparePrimary(&fs[a], &fs[b]) })
		p := &fs[g[0]]
		for _, i := range g[1:] {
			o := &fs[i]
			o.RelatedTo = p.Fingerprint
			p.Related = append(p.Related, Related{CheckID: o.CheckID, Fingerprint: o.Fingerprint, Field: o.Field})
		}
	}
}

// comparePrimary orders a group's findings, the primary first: blocking,
// then not excepted (so a waived finding never hides one that is not),
// then by severity, check id and field.
func comparePrimary(a, b *Finding) int {
	rank := func(d *Finding) int {
		r := 0
		if !d.Blocking {
			r += 2
		}
		if d.Status == StatusExcepted {
			r++
		}
		return r
	}
	return cmp.Or(
		cmp.Compare(rank(a), rank(b)),
		cmp.Compare(b.Severity, a.Severity),
		cmp.Compare(a.CheckID, b.CheckID),
		cmp.Compare(len(a.Field), len(b.Field)),
		cmp.Compare(a.Field, b.Field),
		cmp.Compare(a.Fingerprint, b.Fingerprint),
		cmp.Compare(a.Message, b.Message),
	)
}

// encloses reports whether field a is b or encloses it: b continues a with
// a path step (".name" or "[key]").
func encloses(a, b string) bool {
	if !strings.HasPrefix(b, a) {
		return false
	}
	return len(b) == len(a) || b[len(a)] == '.' || b[len(a)] == '['
}

// compareFields orders field paths as strings in which '.' and '[' sort
// before every other byte.
func compareFields(a, b string) int {
	key := func(c byte) int {
		switch c {
		case '.':
			return 0
		case '[':
			return 1
		}
		return int(c) + 2
	}
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return cmp.Compare(key(a[i]), key(b[i]))
		}
	}
	return cmp.Compare(len(a), len(b))
}
