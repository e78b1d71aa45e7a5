package workload

import (
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-130 reads metadata.namespace of workloads and reports kube-system,
// kube-public and kube-node-lease.

var systemNamespaces = []string{"kube-system", "kube-public", "kube-node-lease"}

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-130", Title: "Workload in a system namespace", Severity: finding.SeverityMedium, Area: "namespaces",
			Description: "kube-system holds the cluster's own components (CoreDNS, kube-proxy, CSI drivers, the AKS agents) with their highly privileged ServiceAccounts and secrets, " +
				"and is usually exempt from Pod Security enforcement and from the policies that guard application namespaces; kube-public is readable by everyone and kube-node-lease " +
				"is reserved for node heartbeats. An application deployed there shares a trust boundary with the control-plane add-ons: whoever can change it can reach their secrets " +
				"and ServiceAccounts, and a compromise of it lands next to them.",
			Remediation: "Deploy the workload to its own namespace, with its own ServiceAccount, RBAC, NetworkPolicies and Pod Security label:\n\n" +
				"    metadata:\n      name: web\n      namespace: web",
			Controls: check.Controls{ASB: []string{"PA-7", "NS-1"}, CIS: []string{"4.7.1"}, Practice: "identity-rbac"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalSystemNamespace,
	})
}

func evalSystemNamespace(_ *check.Context, obj *inventory.Object, r *check.Report) {
	if ns := obj.Meta.Namespace; slices.Contains(systemNamespaces, ns) {
		r.Fail(field.NewPath("metadata", "namespace"), ns, "%s %q is deployed to the system namespace %s", obj.Kind, obj.Meta.Name, ns)
	}
}
