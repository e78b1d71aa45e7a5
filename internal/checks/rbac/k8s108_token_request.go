package rbac

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-108 reads the effective rules a binding grants and reports create on
// serviceaccounts/token.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-108", Title: "Subject can request ServiceAccount tokens", Severity: finding.SeverityHigh, Area: "rbac",
			Description: "create on serviceaccounts/token (the TokenRequest API, kubectl create token) mints a token for any ServiceAccount in scope, with a lifetime the caller chooses up to the API server's maximum. " +
				"The subject becomes every ServiceAccount of the namespace, and a minted token stays valid after the subject's own access is revoked.",
			Remediation: "Remove serviceaccounts/token from roles given to people and pipelines; pods get their own projected tokens without it. Where an operator must mint tokens, bind it in its namespace only and name the ServiceAccounts:\n\n" +
				"    rules:\n    - apiGroups: [\"\"]\n      resources: [serviceaccounts/token]\n      resourceNames: [metrics-reader]\n      verbs: [create]",
			Controls: check.Controls{ASB: []string{"PA-7", "IM-3"}, CIS: []string{"4.1.12"}, Practice: "identity-rbac"},
			Kinds:    bindingKinds,
			Sources:  check.KubernetesObjects,
			Reads:    rbacmodel.ModelKinds,
		},
		Eval: evalRisk(rbacmodel.RiskMintTokens, func(b *rbacmodel.Binding, _ rbacmodel.RiskGrant) string {
			return "can request tokens for any ServiceAccount " + in(b)
		}),
	})
}
