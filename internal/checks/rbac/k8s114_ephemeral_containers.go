package rbac

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-114 reads the effective rules a binding grants and reports update or
// patch on pods/ephemeralcontainers.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-114", Title: "Subject can add ephemeral containers to pods", Severity: finding.SeverityHigh, Area: "rbac",
			Description: "An ephemeral container (kubectl debug) joins a running pod: it shares its network and process namespace, can mount its volumes and its ServiceAccount token, and runs an image the subject chooses. " +
				"It is exec by another name, and roles that remove pods/exec often forget it.",
			Remediation: "Grant pods/ephemeralcontainers only just in time, to the people who debug, in their namespace; keep it out of standing and pipeline roles.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, Practice: "identity-rbac"},
			Kinds:       bindingKinds,
			Sources:     check.KubernetesObjects,
			Reads:       rbacmodel.ModelKinds,
		},
		Eval: evalRisk(rbacmodel.RiskEphemeral, func(b *rbacmodel.Binding, _ rbacmodel.RiskGrant) string {
			return "can add ephemeral containers to running pods " + in(b)
		}),
	})
}
