package rbac

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-121 reads a binding's roleRef and reports a role that is neither in
// the inventory nor one of the built-in ClusterRoles Bulwark knows
// (cluster-admin, admin, edit, view, ...) and bootstrap Roles (kube-system
// extension-apiserver-authentication-reader). roleRefs to system: roles are
// not reported: the platform provides many more than Bulwark knows.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-121", Title: "Binding references a role that does not exist", Severity: finding.SeverityLow, Area: "rbac",
			Description: "A binding to a missing role grants nothing today, so its rights cannot be reviewed, and it grants whatever a role of that name holds once somebody creates one: " +
				"a dormant grant that a later, innocent-looking Role or Helm release turns on. In a manifest scan the role may also live in files that were not scanned; scan them together.",
			Remediation: "Delete the binding, or add the role it needs next to it so that both are reviewed together.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, Practice: "identity-rbac"},
			Kinds:       bindingKinds,
			Sources:     check.KubernetesObjects,
			Reads:       rbacmodel.ModelKinds,
		},
		Eval: evalMissingRole,
	})
}

func evalMissingRole(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	b, ok := rbacmodel.For(ctx.Inventory).BindingOf(obj)
	if !ok || b.Role != nil || b.Bootstrap() || strings.HasPrefix(b.RoleRef.Name, "system:") || b.RoleRef.Name == "" {
		return
	}
	r.Fail(field.NewPath("roleRef", "name"), b.RoleRef.Name, "%s references %s, which is neither in the scanned objects nor a built-in role; its %d subject(s) get whatever a role of that name grants once one is created",
		b.Ref(), b.RoleRefString(), len(b.Subjects))
}
