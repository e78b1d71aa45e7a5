package rbac

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-124 reads Roles and ClusterRoles and compares those named like a role
// of the API server's bootstrap policy (cluster-admin, admin, edit, view,
// system:*) with it (internal/analysis/rbacmodel, bootstrap.go): a role that
// grants more, a manifest's copy that grants less, or a different
// aggregationRule is reported. The RBAC model keeps the built-in rules for
// the bindings to such a role, as the API server does when it reconciles
// its roles, so the other checks still judge them by the built-in rights.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-124", Title: "Built-in role redefined", Severity: finding.SeverityHigh, Area: "rbac",
			Description: "cluster-admin, admin, edit, view and the system: roles are the API server's own: every cluster has them, reviewers know what they grant, and the API server restores their rules when it starts. " +
				"A manifest that redefines one changes what every existing binding to it grants — widening view, for instance, hands the extra rights to everyone who may view — while the name still reads as the familiar role; " +
				"a narrowed copy misleads the other way, since the API server puts the built-in rules back.",
			Remediation: "Give the role its own name and bind that; leave the built-in roles as the API server defines them. To extend admin, edit or view, write a separate ClusterRole with the rbac.authorization.k8s.io/aggregate-to-* label.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, Practice: "identity-rbac"},
			Kinds:       []string{"Role", "ClusterRole"},
			Reads:       rbacmodel.ModelKinds,
			Sources:     check.KubernetesObjects,
		},
		Eval: evalRedefinedBuiltin,
	})
}

func evalRedefinedBuiltin(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	role, ok := rbacmodel.For(ctx.Inventory).RoleOf(obj)
	if !ok {
		return
	}
	diff := role.Redefines()
	if len(diff) == 0 {
		return
	}
	r.Fail(nil, role.Name, "%s redefines the built-in role of that name (Kubernetes %s bootstrap policy): %s; bindings to it are judged by the built-in rules, which the API server restores",
		role.Ref(), rbacmodel.BootstrapVersion, strings.Join(diff, "; "))
}
