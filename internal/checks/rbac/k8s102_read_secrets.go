package rbac

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-102 reads the effective rules a binding grants and reports get, list
// or watch on core secrets without resourceNames (list and watch return
// the values too). Rules limited to named Secrets are not reported.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-102", Title: "Subject can read Secrets", Severity: finding.SeverityHigh, Area: "rbac",
			Description: "Reading Secrets gives their values: database passwords, TLS keys, registry credentials, and any legacy ServiceAccount token Secret, " +
				"which makes the reader that ServiceAccount. list and watch return the values just like get. Through a ClusterRoleBinding it is every Secret of the cluster, kube-system's included.",
			Remediation: "Give workloads their own Secret by mounting it (no RBAC needed), or keep secrets in Azure Key Vault and mount them with the Secrets Store CSI driver and workload identity. " +
				"If a controller must read Secrets, bind it in its namespace only and name the Secrets:\n\n" +
				"    rules:\n    - apiGroups: [\"\"]\n      resources: [secrets]\n      resourceNames: [app-tls]\n      verbs: [get]",
			Controls: check.Controls{ASB: []string{"PA-7", "IM-8"}, CIS: []string{"4.1.2"}, Practice: "identity-rbac"},
			Attack:   check.AttackSecrets,
			Kinds:    bindingKinds,
			Sources:  check.KubernetesObjects,
			Reads:    rbacmodel.ModelKinds,
		},
		Eval: evalRisk(rbacmodel.RiskReadSecrets, func(b *rbacmodel.Binding, _ rbacmodel.RiskGrant) string { return "can read Secrets " + in(b) }),
	})
}
