package netpol

import (
	"math/rand/v2"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// The label index must select exactly the pods a scan of every pod does,
// in the same order, for every kind of requirement.
func TestPodIndexAgreesWithScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	keys, values := []string{"app", "tier", "team"}, []string{"a", "b", "c", "d"}
	var pods []*Pod
	for range 300 {
		ls := labels.Set{}
		for _, k := range keys {
			if rng.IntN(3) > 0 {
				ls[k] = values[rng.IntN(len(values))]
			}
		}
		pods = append(pods, &Pod{Labels: ls})
	}
	x := newPodIndex(pods)
	ops := []metav1.LabelSelectorOperator{metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn, metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist}
	for i := range 2000 {
		s := &metav1.LabelSelector{}
		for range rng.IntN(3) {
			s.MatchLabels = map[string]string{keys[rng.IntN(len(keys))]: values[rng.IntN(len(values))]}
		}
		for range rng.IntN(3) {
			op := ops[rng.IntN(len(ops))]
			e := metav1.LabelSelectorRequirement{Key: keys[rng.IntN(len(keys))], Operator: op}
			if op == metav1.LabelSelectorOpIn || op == metav1.LabelSelectorOpNotIn {
				for range 1 + rng.IntN(3) {
					e.Values = append(e.Values, values[rng.IntN(len(values))])
				}
			}
			s.MatchExpressions = append(s.MatchExpressions, e)
		}
		sel := selector(s)
		if sel == nil {
			continue
		}
		var want []*Pod
		for _, p := range pods {
			if sel.Matches(p.Labels) {
				want = append(want, p)
			}
		}
		if got := x.matching(sel, nil); !slices.Equal(got, want) {
			t.Fatalf("selector %d %v: index found %d pods, scan %d", i, sel, len(got), len(want))
		}
		if got := x.any(sel); got != (len(want) > 0) {
			t.Fatalf("selector %d %v: any = %v, want %v", i, sel, got, len(want) > 0)
		}
	}
}
