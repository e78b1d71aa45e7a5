package workload

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-061 reads the pod spec's serviceAccountName and the deprecated
// serviceAccount. The pod runs as the namespace's "default" ServiceAccount
// when both are empty or the effective one is "default".

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-061", Title: "Pod uses the default ServiceAccount", Severity: finding.SeverityLow, Area: "identity",
			Description: "Every pod in a namespace that names no ServiceAccount shares the \"default\" one. Any permission granted to it, for one workload's convenience or by a Helm chart, is then granted to all of them, and audit logs cannot tell the workloads apart. " +
				"With Azure Workload Identity, a federated credential on the default ServiceAccount would hand the Entra identity to every pod in the namespace.",
			Remediation: "Create one ServiceAccount per workload, bind only the Roles it needs, and name it in the pod spec; leave the default ServiceAccount without bindings and with automountServiceAccountToken: false:\n\n" +
				"    apiVersion: v1\n    kind: ServiceAccount\n    metadata:\n      name: orders-api\n    automountServiceAccountToken: false\n    ---\n" +
				"    spec:\n      template:\n        spec:\n          serviceAccountName: orders-api",
			Controls: check.Controls{ASB: []string{"PA-7", "IM-3"}, CIS: []string{"4.1.5"}, Practice: "identity-rbac"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalDefaultServiceAccount,
	})
}

func evalDefaultServiceAccount(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	name, fieldName := podServiceAccount(ps)
	if name != "default" {
		return
	}
	p := ps.SpecPath.Child(fieldName)
	if ps.Spec.ServiceAccountName == "" && ps.Spec.DeprecatedServiceAccount == "" {
		r.Fail(p, "", "pod spec names no ServiceAccount, so the pod runs as the namespace's default ServiceAccount")
		return
	}
	r.Fail(p, "default", "pod spec sets %s: default, the namespace's shared default ServiceAccount", fieldName)
}
