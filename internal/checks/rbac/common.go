package rbac

import (
	"fmt"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// bindingKinds are the objects RBAC risk findings belong to.
var bindingKinds = []string{"RoleBinding", "ClusterRoleBinding"}

// evalRisk reports each subject of a binding that the binding gives risk,
// with what(binding, grants) saying what the subject can do, e.g. "can
// read Secrets in namespace pets".
func evalRisk(risk rbacmodel.Risk, what func(*rbacmodel.Binding, rbacmodel.RiskGrant) string) check.EvalFunc {
	return func(ctx *check.Context, obj *inventory.Object, r *check.Report) {
		m := rbacmodel.For(ctx.Inventory)
		b, ok := m.BindingOf(obj)
		if !ok || b.Bootstrap() {
			return
		}
		for i := range b.Subjects {
			for _, rg := range m.Risks(b, i) {
				if rg.Risk == risk {
					r.Fail(b.SubjectPath(i), rbacmodel.RuleString(rg.Grants[0].Rule.Rule), "%s %s: %s", b.Subject(i), what(b, rg), grantsText(rg))
				}
			}
		}
	}
}

// grantsText names the first grant's path, how many more rules give the
// same right, and the companion grant that completes it.
func grantsText(rg rbacmodel.RiskGrant) string {
	var sb strings.Builder
	sb.WriteString(rg.Grants[0].Path())
	if len(rg.Grants) > 1 {
		// "also rules[4], rules[6] of ClusterRole x", grouped by role.
		var parts []string
		var role *rbacmodel.Role
		var idx []string
		flush := func() {
			if role != nil {
				parts = append(parts, strings.Join(idx, ", ")+" of "+role.Ref())
			}
		}
		for _, g := range rg.Grants[1:] {
			if g.Rule.Role != role {
				flush()
				role, idx = g.Rule.Role, nil
			}
			idx = append(idx, fmt.Sprintf("rules[%d]", g.Rule.Index))
		}
		flush()
		fmt.Fprintf(&sb, " (also %s)", strings.Join(parts, "; "))
	}
	if c := rg.Companion; c != nil && c.Rule != rg.Grants[0].Rule {
		sb.WriteString(", with ")
		sb.WriteString(c.Path())
	}
	return sb.String()
}

// in says where a binding grants: "cluster-wide" or "in namespace pets".
func in(b *rbacmodel.Binding) string { return b.Scope().String() }
