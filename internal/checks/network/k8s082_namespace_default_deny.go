package network

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/bulwark-sec/bulwark/internal/analysis/netpol"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-082 reads the NetworkPolicies of each namespace (podSelector,
// policyTypes, ingress, egress). A namespace denies by default in a
// direction when policies with an empty podSelector (every pod, present
// and future) isolate that direction and none of their rules admits all
// traffic (no peers and no ports); allow rules per workload come on top.
// The finding belongs to the Namespace object; without one in the
// inventory, to the namespace's first NetworkPolicy, else to its first
// workload that policies apply to.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-082", Title: "Namespace without default-deny NetworkPolicy", Severity: finding.SeverityMedium, Area: "network",
			Description: "NetworkPolicies allow; they never deny. A pod is isolated only once some policy selects it, so without a policy that selects every pod of the namespace, " +
				"each new workload starts open in both directions until someone remembers to write its policy. " +
				"Egress matters as much as ingress: it is what stops a compromised pod from reaching the instance metadata service, the API server, other namespaces' databases and the Internet.",
			Remediation: "Add a default-deny policy for both directions to every application namespace, then allow DNS and each workload's own traffic:\n\n" +
				"    apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata: {name: default-deny-all, namespace: shop}\n    spec:\n      podSelector: {}\n      policyTypes: [Ingress, Egress]",
			Controls: check.Controls{ASB: []string{"NS-1"}, CIS: []string{"4.4.2"}, Practice: "network"},
			Kinds:    append([]string{"Namespace", "NetworkPolicy"}, inventory.WorkloadKinds...),
			Sources:  check.KubernetesObjects,
			Reads:    netpol.ModelKinds,
		},
		Eval: evalNamespaceDefaultDeny,
	})
}

func evalNamespaceDefaultDeny(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	ns := obj.Meta.Namespace
	if _, ok := obj.Typed.(*corev1.Namespace); ok {
		ns = obj.Meta.Name
	}
	if netpol.IsSystemNamespace(ns) {
		return
	}
	m := netpol.For(ctx.Inventory)
	rep := m.NamespaceReport(ns)
	if rep == nil || rep.Anchor != obj || rep.DenyIngress && rep.DenyEgress {
		return
	}
	name := ns
	if name == "" {
		name = "(unset)"
	}
	if !m.Enforced {
		r.Fail(rep.AnchorPath, name, "namespace %s denies nothing by default: %s", name, notEnforced(m))
		return
	}
	var missing []string
	for _, d := range []struct {
		deny   bool
		dir    string
		opened *netpol.RuleRef
	}{{rep.DenyIngress, "ingress", rep.IngressOpenedBy}, {rep.DenyEgress, "egress", rep.EgressOpenedBy}} {
		switch {
		case d.deny:
		case d.opened != nil:
			missing = append(missing, d.dir+" ("+d.opened.String()+" admits all traffic to every pod)")
		default:
			missing = append(missing, d.dir+" (no policy with an empty podSelector isolates it)")
		}
	}
	r.Fail(rep.AnchorPath, name, "namespace %s has no default-deny NetworkPolicy for %s", name, strings.Join(missing, " nor for "))
}
