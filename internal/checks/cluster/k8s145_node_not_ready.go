package cluster

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-145 reads a Node's status.conditions (type Ready) and
// spec.unschedulable, and reports nodes that are not Ready or are cordoned.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-145", Title: "Node NotReady or cordoned", Severity: finding.SeverityLow, Area: "nodes",
			Description: "A node that is not Ready no longer reports to the control plane: its pods cannot be updated, evicted or inspected, and it cannot be upgraded or " +
				"reimaged until it recovers, so it keeps whatever vulnerabilities it had. A cordoned node is usually half-way through a drain; one left cordoned is " +
				"often one an upgrade skipped or an incident left behind, and still runs its pods.",
			Remediation: "Find out why (kubectl describe node NAME): repair or reimage a NotReady node (az aks machine / az vmss reimage) or delete it from the pool; " +
				"finish the drain of a cordoned node and upgrade or remove it, or uncordon it (kubectl uncordon NAME) if it was cordoned by mistake.",
			Controls:   check.Controls{ASB: []string{"PV-6"}, Practice: "node-upgrades"},
			Kinds:      []string{"Node"},
			Sources:    []check.Source{check.Cluster},
			SourceNote: liveOnly,
		},
		Eval: evalNodeNotReady,
	})
}

func evalNodeNotReady(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	n, ok := node(obj)
	if !ok {
		return
	}
	ready := -1
	for i, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			ready = i
		}
	}
	conds := field.NewPath("status", "conditions")
	switch {
	case ready < 0:
		r.Fail(conds, "no Ready condition", "node %q reports no Ready condition: its kubelet has never reported or is not running", n.Name)
	case n.Status.Conditions[ready].Status != corev1.ConditionTrue:
		c := n.Status.Conditions[ready]
		msg := "node %q is not Ready (Ready=%s"
		args := []any{n.Name, c.Status}
		if c.Reason != "" {
			msg += ", reason %s"
			args = append(args, c.Reason)
		}
		msg += ")"
		if ci := ctx.Inventory.ClusterInfo(); ci != nil && !c.LastTransitionTime.IsZero() {
			if d := ci.ObservedAt.Sub(c.LastTransitionTime.Time); d > 0 {
				msg += " since %s, %s before the scan"
				args = append(args, c.LastTransitionTime.UTC().Format(time.RFC3339), roughly(d))
			}
		}
		r.Fail(conds.Index(ready).Child("status"), string(c.Status), msg, args...)
	}
	if n.Spec.Unschedulable {
		r.Fail(field.NewPath("spec", "unschedulable"), "true", "node %q is cordoned (spec.unschedulable: true): no new pods are scheduled on it, but its pods keep running", n.Name)
	}
}
