package workload

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-131 reads metadata.namespace of workloads and reports an explicit
// "default". A manifest without a namespace is not reported: kubectl, Helm
// and GitOps tools set it at deploy time.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-131", Title: "Workload in the default namespace", Severity: finding.SeverityLow, Area: "namespaces",
			Description: "Namespaces are where RBAC, NetworkPolicies, resource quotas and Pod Security levels are scoped. The default namespace is shared by everything deployed " +
				"without thought, rarely has any of these, and is where a user's or tool's broad permissions usually point; a workload there shares secrets, ServiceAccounts and " +
				"network reachability with unrelated ones. Only an explicit metadata.namespace: default is reported: a manifest that leaves the namespace out gets it at deploy time " +
				"(kubectl -n, Helm --namespace, a GitOps target namespace) and is not a finding.",
			Remediation: "Deploy to a namespace of the application's own, created with its RBAC, NetworkPolicies and Pod Security label, or leave metadata.namespace out and choose it at deploy time:\n\n" +
				"    metadata:\n      name: web\n      namespace: web",
			Controls: check.Controls{ASB: []string{"NS-1"}, CIS: []string{"4.7.3"}, Practice: "identity-rbac"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalDefaultNamespace,
	})
}

func evalDefaultNamespace(_ *check.Context, obj *inventory.Object, r *check.Report) {
	if obj.Meta.Namespace == "default" {
		r.Fail(field.NewPath("metadata", "namespace"), "default", "%s %q is deployed to the default namespace", obj.Kind, obj.Meta.Name)
	}
}
