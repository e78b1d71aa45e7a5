package rbac

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-105 reads the effective rules a binding grants and reports create or
// get on pods/exec or pods/attach (get suffices over WebSocket on clusters
// before Kubernetes 1.35).

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-105", Title: "Subject can exec or attach into pods", Severity: finding.SeverityHigh, Area: "rbac",
			Description: "exec and attach run commands in, or take over the terminal of, a running container: its files, its mounted Secrets and its ServiceAccount token become the subject's. " +
				"Until Kubernetes 1.35 a WebSocket exec needed only get on pods/exec, so read-only-looking roles with get on pods/* subresources grant it too.",
			Remediation: "Keep exec out of standing roles; grant it just in time to named people, and debug with kubectl debug into an ephemeral copy of the pod. Remove pods/exec and pods/attach from every verb list:\n\n" +
				"    rules:\n    - apiGroups: [\"\"]\n      resources: [pods, pods/log]\n      verbs: [get, list, watch]",
			Controls: check.Controls{ASB: []string{"PA-7"}, Practice: "identity-rbac"},
			Kinds:    bindingKinds,
			Sources:  check.KubernetesObjects,
			Reads:    rbacmodel.ModelKinds,
		},
		Eval: evalRisk(rbacmodel.RiskExec, func(b *rbacmodel.Binding, _ rbacmodel.RiskGrant) string {
			return "can exec or attach into pods " + in(b)
		}),
	})
}
