package netpol

import (
	"slices"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

// podIndex finds the pods of one namespace by label. A selector with an
// equality, set or existence requirement is answered from the smallest
// list of pods that carry the label it requires, then checked in full, so
// matching every policy of a namespace costs the pods the policies name,
// not policies × pods.
type podIndex struct {
	pods    []*Pod
	byValue map[string]map[string][]int32 // key -> value -> positions in pods
	byKey   map[string][]int32
}

func newPodIndex(pods []*Pod) *podIndex {
	x := &podIndex{pods: pods, byValue: map[string]map[string][]int32{}, byKey: map[string][]int32{}}
	for i, p := range pods {
		for k, v := range p.Labels {
			vs := x.byValue[k]
			if vs == nil {
				vs = map[string][]int32{}
				x.byValue[k] = vs
			}
			vs[v] = append(vs[v], int32(i))
			x.byKey[k] = append(x.byKey[k], int32(i))
		}
	}
	return x
}

// candidates returns the positions of the pods that can match sel, in
// order, and false when every pod of the namespace can.
func (x *podIndex) candidates(sel labels.Selector) ([]int32, bool) {
	reqs, _ := sel.Requirements()
	var best []int32
	found := false
	for _, r := range reqs {
		var c []int32
		switch r.Operator() {
		case selection.Equals, selection.DoubleEquals, selection.In:
			vs := x.byValue[r.Key()]
			values := r.ValuesUnsorted()
			if len(values) == 1 {
				c = vs[values[0]]
				break
			}
			for _, v := range values {
				c = append(c, vs[v]...)
			}
			// A pod has one value per key, so only a value listed twice
			// repeats a pod.
			slices.Sort(c)
			c = slices.Compact(c)
		case selection.Exists:
			c = x.byKey[r.Key()]
		default:
			continue
		}
		if !found || len(c) < len(best) {
			best, found = c, true
		}
	}
	return best, found
}

// matching appends the pods sel selects to out, in inventory order.
func (x *podIndex) matching(sel labels.Selector, out []*Pod) []*Pod {
	if x == nil {
		return out
	}
	c, narrowed := x.candidates(sel)
	if !narrowed {
		for _, p := range x.pods {
			if sel.Matches(p.Labels) {
				out = append(out, p)
			}
		}
		return out
	}
	for _, i := range c {
		if p := x.pods[i]; sel.Matches(p.Labels) {
			out = append(out, p)
		}
	}
	return out
}

// any reports whether sel selects some pod.
func (x *podIndex) any(sel labels.Selector) bool {
	if x == nil {
		return false
	}
	c, narrowed := x.candidates(sel)
	if !narrowed {
		return slices.ContainsFunc(x.pods, func(p *Pod) bool { return sel.Matches(p.Labels) })
	}
	return slices.ContainsFunc(c, func(i int32) bool { return sel.Matches(x.pods[i].Labels) })
}
