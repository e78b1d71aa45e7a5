package rbac

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-104 reads the effective rules a binding grants and reports the
// impersonate verb on users, groups (any, or system:masters by name) or
// serviceaccounts. Impersonating users and groups is authorized without a
// namespace, so a RoleBinding grants only service-account impersonation.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-104", Title: "Subject can impersonate other identities", Severity: finding.SeverityCritical, Area: "rbac",
			Description: "With impersonate a request can carry Impersonate-User, Impersonate-Group or a ServiceAccount identity, and is then authorized as that identity. " +
				"Impersonating group system:masters is cluster-admin without any binding; impersonating a ServiceAccount gives its rights, which in a namespace often include a deployer's. " +
				"Audit logs show the impersonated identity first.",
			Remediation: "Remove impersonate. Support staff who need to see what a user sees can use kubectl auth can-i --as in a reviewed, time-limited role; on AKS use Entra ID groups with Azure RBAC instead of impersonation.",
			Controls:    check.Controls{ASB: []string{"PA-7", "PA-1"}, CIS: []string{"4.1.7"}, Practice: "identity-rbac"},
			Attack:      check.AttackClusterAdmin,
			Kinds:       bindingKinds,
			Sources:     check.KubernetesObjects,
			Reads:       rbacmodel.ModelKinds,
		},
		Eval: evalRisk(rbacmodel.RiskImpersonate, func(b *rbacmodel.Binding, _ rbacmodel.RiskGrant) string {
			return "can impersonate other identities " + in(b)
		}),
	})
}
