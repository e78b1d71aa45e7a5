package rbac

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-123 reads Roles and ClusterRoles (rules, labels) and the bindings and
// aggregation rules that reference them. It reports a role that no
// binding references and that is not aggregated into a used or built-in
// ClusterRole, when its own rules would give a dangerous right (the risks
// of K8S-100 to K8S-115) to whoever is bound to it. The right is latent:
// nobody holds it, which is why this is low; the bound rights are judged
// on the bindings.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-123", Title: "Dangerous role bound to nobody", Severity: finding.SeverityLow, Area: "rbac",
			Description: "A role that nobody is bound to grants nothing, so it is not a risk by itself, and Bulwark does not judge roles in isolation. " +
				"But an unused role with dangerous rules is a loaded grant: the next RoleBinding that reuses it, written for an unrelated reason, hands those rights out without anyone reading the rules again. " +
				"In a manifest scan the binding may live in files that were not scanned; scan them together.",
			Remediation: "Delete roles that are no longer bound, or narrow their rules before binding them again.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, Practice: "identity-rbac"},
			Kinds:       []string{"Role", "ClusterRole"},
			Sources:     check.KubernetesObjects,
			Reads:       rbacmodel.ModelKinds,
		},
		Eval: evalUnboundRole,
	})
}

func evalUnboundRole(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	role, ok := rbacmodel.For(ctx.Inventory).RoleOf(obj)
	if !ok || role.Bootstrap() || role.Used() {
		return
	}
	risky := rbacmodel.RoleRisks(role)
	if len(risky) == 0 {
		return
	}
	var parts []string
	seen := map[rbacmodel.Risk]bool{}
	for _, rr := range risky {
		for _, k := range rr.Risks {
			if !seen[k] {
				seen[k] = true
				parts = append(parts, k.String()+" ("+rr.Rule.Path().String()+")")
			}
		}
	}
	first := risky[0].Rule
	r.Fail(first.Path(), rbacmodel.RuleString(first.Rule), "%s is bound to nobody, but would let whoever is bound to it %s", role.Ref(), strings.Join(parts, "; "))
}
