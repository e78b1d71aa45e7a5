package rbac

import (
	"fmt"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// evalBroadSubject reports bindings, built-in ones included, that give a
// subject standing for many identities (who maps a subject to a
// description, or to "" when the subject is not one of them) more than
// discovery: any effective rule beyond reading health, version and
// discovery URLs and asking what one may do oneself, and for a
// RoleBinding beyond cluster-scoped resources it cannot grant.
func evalBroadSubject(who func(rbacv1.Subject) string) check.EvalFunc {
	return func(ctx *check.Context, obj *inventory.Object, r *check.Report) {
		m := rbacmodel.For(ctx.Inventory)
		b, ok := m.BindingOf(obj)
		if !ok || b.Role == nil {
			return
		}
		var first *rbacmodel.RoleRule
		n := 0
		for _, rr := range b.Role.Effective() {
			if rbacmodel.IsTrivial(rr.Rule) || !b.Scope().Cluster && rbacmodel.OnlyClusterScoped(rr.Rule) {
				continue
			}
			if first == nil {
				first = rr
			}
			n++
		}
		if first == nil {
			return
		}
		for i, s := range b.Subjects {
			desc := who(s)
			if desc == "" {
				continue
			}
			g := rbacmodel.Grant{Binding: b, Subject: i, Rule: first}
			more := ""
			if n > 1 {
				more = fmt.Sprintf(" and %d more rules", n-1)
			}
			r.Fail(b.SubjectPath(i), s.Name, "%s (%s) is granted %s %s, beyond discovery: %s%s",
				b.Subject(i), desc, b.Role.Ref(), in(b), g.Path(), more)
		}
	}
}
