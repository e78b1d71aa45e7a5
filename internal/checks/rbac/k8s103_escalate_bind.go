package rbac

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-103 reads the effective rules a binding grants and reports escalate
// on roles or clusterroles held together with create/update/patch on them,
// and bind on roles or clusterroles (any, or cluster-admin, admin or edit
// by name) held together with create/update/patch on rolebindings (or
// clusterrolebindings); the second right may come through another binding
// of the same subject. escalate or bind alone is not reported: without the
// write it does nothing.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-103", Title: "Subject can grant itself any right (escalate or bind)", Severity: finding.SeverityCritical, Area: "rbac",
			Description: "The API server refuses to let a subject create a role or binding that grants more than it holds, unless it has escalate (on roles) or bind (on the role being bound). " +
				"With escalate and write access to roles, the subject can add any rule to a role it is bound to; with bind and write access to bindings, it can bind itself to cluster-admin or admin. " +
				"Either way its real rights are everything in scope.",
			Remediation: "Remove escalate and bind from roles held by people and pipelines. Delegated RBAC administration should bind named, reviewed roles only:\n\n" +
				"    rules:\n    - apiGroups: [rbac.authorization.k8s.io]\n      resources: [clusterroles]\n      verbs: [bind]\n      resourceNames: [app-reader]",
			Controls: check.Controls{ASB: []string{"PA-7", "PA-1"}, CIS: []string{"4.1.7"}, Practice: "identity-rbac"},
			Attack:   check.AttackClusterAdmin,
			Kinds:    bindingKinds,
			Sources:  check.KubernetesObjects,
			Reads:    rbacmodel.ModelKinds,
		},
		Eval: evalRisk(rbacmodel.RiskEscalate, func(b *rbacmodel.Binding, _ rbacmodel.RiskGrant) string {
			return "can grant itself any right " + in(b) + " (escalate or bind)"
		}),
	})
}
