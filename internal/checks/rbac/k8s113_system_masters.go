package rbac

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-113 reads the subjects of bindings and reports Group system:masters
// in any binding but the API server's own: the bootstrap cluster-admin
// ClusterRoleBinding (recognised by roleRef and subjects, not by its
// label) is not reported; a system:-named binding someone else wrote is.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-113", Title: "Binding names group system:masters", Severity: finding.SeverityMedium, Area: "rbac",
			Description: "Members of system:masters pass every authorization check without RBAC: binding a role to the group adds nothing, and removing the binding takes nothing away. " +
				"A binding that names it shows that credentials in that group (client certificates with O=system:masters, such as AKS local admin credentials) are expected to be in use, " +
				"and they cannot be revoked without rotating the cluster CA.",
			Remediation: "Delete the binding. On AKS disable local accounts (az aks update --disable-local-accounts) and give administrators an Entra ID group bound to cluster-admin or, better, Azure RBAC roles with just-in-time access.",
			Controls:    check.Controls{ASB: []string{"PA-1", "IM-1"}, Practice: "identity-rbac"},
			Kinds:       bindingKinds,
			Sources:     check.KubernetesObjects,
			Reads:       rbacmodel.ModelKinds,
		},
		Eval: evalSystemMasters,
	})
}

func evalSystemMasters(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	b, ok := rbacmodel.For(ctx.Inventory).BindingOf(obj)
	if !ok || b.Bootstrap() {
		return
	}
	for i, s := range b.Subjects {
		if s.Kind == rbacv1.GroupKind && s.Name == rbacmodel.GroupMasters {
			r.Fail(b.SubjectPath(i), s.Name, "%s binds %s to group system:masters, whose members bypass RBAC entirely", b.Ref(), b.RoleRefString())
		}
	}
}
