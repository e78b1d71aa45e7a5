package network

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/netpol"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-080 reads a workload's pod template labels and namespace, and the
// NetworkPolicies of that namespace (podSelector, policyTypes, ingress). It
// reports a pod that no policy isolates for ingress, or that a selecting
// policy opens with an ingress rule without peers and ports (admitting
// every source on every port). Rules that admit every source on named
// ports are deliberate exposure and are not reported.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-080", Title: "Pod accepts traffic from everywhere", Severity: finding.SeverityMedium, Area: "network",
			Description: "A pod that no NetworkPolicy selects for ingress accepts connections from every pod of every namespace and from anything that can route to the pod network, on every port: " +
				"metrics and admin ports, debug endpoints, databases. One compromised pod anywhere in the cluster can then reach it. " +
				"An ingress rule with neither from nor ports does the same for the pods its policy selects.",
			Remediation: "Add a default-deny policy to the namespace and allow, per workload, only the callers and ports it serves:\n\n" +
				"    apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata: {name: orders-api, namespace: shop}\n    spec:\n      podSelector: {matchLabels: {app: orders-api}}\n" +
				"      policyTypes: [Ingress]\n      ingress:\n      - from: [{podSelector: {matchLabels: {app: store-front}}}]\n        ports: [{port: 3000, protocol: TCP}]",
			Controls: check.Controls{ASB: []string{"NS-1"}, Practice: "network"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.KubernetesObjects,
			Reads:    netpol.ModelKinds,
		},
		Eval: evalOpenIngress,
	})
}

func evalOpenIngress(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	m := netpol.For(ctx.Inventory)
	p, ok := m.PodOf(obj)
	if !ok || !judged(p) {
		return
	}
	rep := m.Report(p)
	switch {
	case !m.Enforced:
		r.Fail(p.LabelsPath, "", "%s accepts connections from every source on every port: %s", p.Name(), notEnforced(m))
	case !rep.IngressIsolated:
		r.Fail(p.LabelsPath, "", "no NetworkPolicy selects %s for ingress, so every pod of the cluster and every address that routes to the pod network may connect to it on any port", p.Name())
	case rep.OpenIngress != nil:
		r.Fail(p.LabelsPath, rep.OpenIngress.String(), "%s admits every source on every port to %s (an ingress rule with neither from nor ports)", rep.OpenIngress, p.Name())
	}
}
