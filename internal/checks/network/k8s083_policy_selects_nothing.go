package network

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/analysis/netpol"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-083 reads a NetworkPolicy's podSelector and the podSelector-only
// peers of its rules (pods of its own namespace), and the pod template
// labels of the workloads in that namespace. It reports a non-empty
// podSelector that selects none of them, and such a peer that selects none
// of them. It says nothing about namespaces whose workloads are not in the
// inventory, and nothing about peers in other namespaces.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-083", Title: "NetworkPolicy selects no pod", Severity: finding.SeverityLow, Area: "network",
			Description: "A policy whose podSelector matches no pod protects nothing, and the pods it was written for (usually a label typo away) stay open. " +
				"A peer that matches no pod allows nothing, so the traffic it was meant to allow is blocked, or worse, someone widens another rule to make the application work.",
			Remediation: "Make the selector match the pod template's labels (kubectl get pods -l app=store-front -n shop shows what it selects), or delete the policy:\n\n" +
				"    spec:\n      podSelector:\n        matchLabels: {app: store-front}",
			Controls: check.Controls{ASB: []string{"NS-1"}, Practice: "network"},
			Kinds:    []string{"NetworkPolicy"},
			Sources:  check.KubernetesObjects,
			Reads:    netpol.ModelKinds,
		},
		Eval: evalPolicySelectsNothing,
	})
}

func evalPolicySelectsNothing(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	m := netpol.For(ctx.Inventory)
	p, ok := m.PolicyOf(obj)
	if !ok {
		return
	}
	nothing, peers := m.Dangling(p)
	if nothing {
		r.Fail(field.NewPath("spec", "podSelector"), "", "%s selects none of the %d workloads of its namespace in the scanned objects, so it isolates nothing", p.Ref(), len(m.PodsIn(p.Namespace)))
	}
	for _, ref := range peers {
		r.Fail(ref.Path().Child("podSelector"), "", "%s selects no pod of namespace %s, so it allows nothing", ref, p.Namespace)
	}
}
