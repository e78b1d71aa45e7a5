package network

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/netpol"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-084 reads a workload's pod template (labels, hostNetwork, container
// ports) and the NetworkPolicies of its namespace (podSelector,
// policyTypes, egress rules: peers, ipBlock cidr and except, ports). It
// reports a pod whose egress allows 169.254.169.254:80/TCP: no policy
// isolates its egress, or a rule without peers or with an ipBlock that
// covers the address (and does not except it) allows that port.
// hostNetwork pods are not judged: policies do not apply to them, and
// K8S-002 reports them. Pods that must reach IMDS are exempted with a
// policy exception or the bulwark.dev/except annotation.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-084", Title: "Pod can reach the instance metadata service (IMDS)", Severity: finding.SeverityMedium, Area: "network",
			Description: "On AKS, http://169.254.169.254 answers every pod on the node, unless the cluster blocks it, with OAuth tokens for the node's managed identities: the kubelet identity and any user-assigned identity on the node pool. " +
				"A compromised pod can then act as the node in Azure (pull every image of the registry, read what those identities can read) without any Kubernetes permission. " +
				"Workload identity does not need IMDS; only node agents do.",
			Remediation: "Deny IMDS in the namespace's egress policies: allow Internet egress through an ipBlock that excepts it, never through an empty to:\n\n" +
				"    egress:\n    - to:\n      - ipBlock:\n          cidr: 0.0.0.0/0\n          except: [169.254.169.254/32, 168.63.129.16/32]\n      ports: [{port: 443, protocol: TCP}]\n\n" +
				"Or block it for the whole cluster with networkProfile.podLinkLocalAccess: None (AKS-308), and use Azure Workload Identity for pods that need Azure tokens.",
			Controls: check.Controls{ASB: []string{"IM-3", "NS-1"}, Practice: "network"},
			Attack:   check.AttackCloudIdentity,
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.KubernetesObjects,
			Reads:    netpol.ModelKinds,
		},
		Eval: evalIMDSEgress,
	})
}

func evalIMDSEgress(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	m := netpol.For(ctx.Inventory)
	p, ok := m.PodOf(obj)
	if !ok || !judged(p) {
		return
	}
	v := m.Report(p).IMDS
	switch {
	case !v.Allowed:
	case !m.Enforced:
		r.Fail(p.LabelsPath, "169.254.169.254:80", "%s can reach the instance metadata service (169.254.169.254:80) and the node's managed identity tokens: %s", p.Name(), notEnforced(m))
	case !v.Isolated:
		r.Fail(p.LabelsPath, "169.254.169.254:80", "no NetworkPolicy selects %s for egress, so it can reach the instance metadata service (169.254.169.254:80) and the node's managed identity tokens", p.Name())
	default:
		r.Fail(p.LabelsPath, v.By.String(), "%s allows %s to reach the instance metadata service (169.254.169.254:80) and the node's managed identity tokens", v.By, p.Name())
	}
}
