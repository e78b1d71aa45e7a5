package rbac

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-115 reads the effective rules a binding grants and reports create or
// get on pods/portforward.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-115", Title: "Subject can port-forward into pods", Severity: finding.SeverityMedium, Area: "rbac",
			Description: "Port-forwarding tunnels the subject's own machine into any port of a pod, through the API server: past NetworkPolicies, past the Ingress and its authentication, " +
				"to admin consoles and databases that listen only inside the cluster.",
			Remediation: "Remove pods/portforward from standing roles; reach internal consoles through an authenticated Ingress, and grant port-forward just in time when debugging.",
			Controls:    check.Controls{ASB: []string{"PA-7", "NS-1"}, Practice: "identity-rbac"},
			Kinds:       bindingKinds,
			Sources:     check.KubernetesObjects,
			Reads:       rbacmodel.ModelKinds,
		},
		Eval: evalRisk(rbacmodel.RiskPortForward, func(b *rbacmodel.Binding, _ rbacmodel.RiskGrant) string { return "can port-forward into pods " + in(b) }),
	})
}
