package workload

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-062 reads the pod spec's serviceAccount (deprecated) and
// serviceAccountName, and the ServiceAccounts of the object's namespace in
// the inventory. It fails when serviceAccount is set without a matching
// serviceAccountName (an API server read-back sets both to the same value,
// which passes), and when the named ServiceAccount is missing although the
// manifests define other ServiceAccounts in that namespace (so they are
// expected to be complete). "default" always exists and is never missing.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-062", Title: "ServiceAccount reference deprecated or missing", Severity: finding.SeverityLow, Area: "identity",
			Description: "spec.serviceAccount is a deprecated alias that is ignored when serviceAccountName is set; manifests relying on it make the identity a pod runs with depend on field precedence that reviewers and policy engines read differently. " +
				"A serviceAccountName that names no ServiceAccount blocks pod creation, and whoever later creates an account of that name (with whatever RBAC and Workload Identity federation it carries) silently decides what the workload may do.",
			Remediation: "Name the ServiceAccount with serviceAccountName only, and ship the ServiceAccount with the workload:\n\n" +
				"    apiVersion: v1\n    kind: ServiceAccount\n    metadata:\n      name: orders-api\n      namespace: shop\n    ---\n" +
				"    spec:\n      template:\n        spec:\n          serviceAccountName: orders-api",
			Controls: check.Controls{ASB: []string{"PA-7", "PV-4"}, Practice: "identity-rbac"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.KubernetesObjects,
			Reads:    []string{"ServiceAccount"},
		},
		Eval: evalServiceAccountReference,
	})
}

func evalServiceAccountReference(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	if dep := ps.Spec.DeprecatedServiceAccount; dep != "" && dep != ps.Spec.ServiceAccountName {
		if ps.Spec.ServiceAccountName == "" {
			r.Fail(ps.SpecPath.Child("serviceAccount"), dep, "pod spec uses the deprecated field serviceAccount (%q) instead of serviceAccountName", dep)
		} else {
			r.Fail(ps.SpecPath.Child("serviceAccount"), dep, "pod spec sets the deprecated serviceAccount %q, which is ignored because serviceAccountName is %q",
				dep, ps.Spec.ServiceAccountName)
		}
	}
	name, fieldName := podServiceAccount(ps)
	if name == "default" {
		return
	}
	ns := obj.Meta.Namespace
	if _, found := ctx.Inventory.ServiceAccount(ns, name); found {
		return
	}
	// The count, not the list: a namespace of thousands of accounts would
	// otherwise put all their names in every finding.
	others := ctx.Inventory.ServiceAccountsIn(ns)
	if others == 0 {
		return
	}
	where := "in namespace " + ns
	if ns == "" {
		where = "without a namespace"
	}
	accounts := "ServiceAccounts"
	if others == 1 {
		accounts = "ServiceAccount"
	}
	r.Fail(ps.SpecPath.Child(fieldName), name, "ServiceAccount %q is not among the %d %s the manifests define %s", name, others, accounts, where)
}
