package detections

import (
	"slices"

	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// DET-004 decodes the binding of an allowed create or update of a
// RoleBinding or ClusterRoleBinding (the request object; the response
// object for a patch) and asks the RBAC model what it gives each subject.
// It fires on full access (cluster-admin) and on the rights that lead to
// it: escalate or bind, impersonation, nodes/proxy, approving client
// certificates. The model knows the built-in roles; a role defined in the
// cluster is not in the event, and a binding to one is not judged. The
// API server's own bootstrap reconciliation (user system:apiserver) is
// not an alert.

// escalating are the risks that equal cluster-admin or lead to it.
var escalating = []rbacmodel.Risk{rbacmodel.RiskFullAccess, rbacmodel.RiskEscalate, rbacmodel.RiskImpersonate, rbacmodel.RiskNodeProxy, rbacmodel.RiskApproveCSR}

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "DET-004", Title: "Cluster-admin or escalating role binding created", Severity: finding.SeverityCritical, Area: area,
			Description: "A RoleBinding or ClusterRoleBinding was created or changed that gives a subject full access (cluster-admin) or a right that leads to it (escalate or bind, impersonation, nodes/proxy, approving client certificates), as judged by the same RBAC model as K8S-100 to K8S-113. Attackers persist by binding an identity they control to cluster-admin. The request object is needed: log RBAC writes at level Request or above.",
			Remediation: "Check who created the binding and whether the grant was approved; delete it otherwise (kubectl delete clusterrolebinding NAME). Grant cluster-admin just in time through Entra ID groups (AKS-204, AKS-206) instead of standing bindings.",
			Controls:    threat([]string{"PA-1", "PA-7"}, "T1098.006"),
			Kinds:       audited,
			Sources:     sources,
		},
		Detect: func(_ *check.DetectContext, ev *audit.Event, r *check.Alerts) {
			if !ev.Final() || !ev.VerbIn("create", "update", "patch") || !ev.Allowed() || ev.User.Username == "system:apiserver" ||
				!ev.Is("rbac.authorization.k8s.io", "clusterrolebindings", "") && !ev.Is("rbac.authorization.k8s.io", "rolebindings", "") {
				return
			}
			raw := ev.RequestObject
			if ev.Verb == "patch" {
				raw = ev.ResponseObject
			}
			objs, err := ev.Decode(raw)
			if err != nil || len(objs) != 1 {
				return
			}
			m := rbacmodel.Build(inventory.New(objs))
			b, ok := m.BindingOf(objs[0])
			if !ok {
				return
			}
			for i := range b.Subjects {
				for _, rg := range m.Risks(b, i) {
					if slices.Contains(escalating, rg.Risk) {
						r.Fire("%s %sd %s giving %s %s through %s", ev.Actor().Username, ev.Verb, b.Ref(), b.Subject(i), rg.Risk, b.RoleRefString())
						break
					}
				}
			}
		},
	})
}
