package rbac

import (
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// K8S-100 reads RoleBindings and ClusterRoleBindings (roleRef, subjects)
// and the effective rules of the role they reference, aggregated rules
// included. It reports a subject given every verb on every resource of
// every API group (apiGroups, resources and verbs all "*", no
// resourceNames): through a ClusterRoleBinding that is cluster-admin, by
// name or not; through a RoleBinding it is full control of the namespace.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-100", Title: "Subject granted cluster-admin or full access", Severity: finding.SeverityCritical, Area: "rbac",
			Description: "A rule with \"*\" verbs on \"*\" resources in \"*\" API groups allows everything the API server serves, including whatever is added later. " +
				"Bound cluster-wide it is cluster-admin: the subject can read every Secret, run privileged pods on every node and rewrite RBAC itself. " +
				"Bound in a namespace it owns the namespace: its Secrets, its ServiceAccounts (by running pods as them) and its RBAC. " +
				"A leaked token of such a subject is a cluster (or namespace) takeover.",
			Remediation: "Bind a role with the verbs and resources the subject needs. Deployment pipelines on AKS should use the GitOps (Flux) extension or an Entra ID workload identity with an Azure RBAC role scoped to their namespaces; people get admin through Entra ID groups and just-in-time access (Privileged Identity Management), not standing bindings:\n\n" +
				"    kind: RoleBinding\n    metadata: {name: deployer, namespace: app}\n    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}",
			Controls: check.Controls{ASB: []string{"PA-1", "PA-7"}, CIS: []string{"4.1.1"}, Practice: "identity-rbac"},
			Attack:   check.AttackClusterAdmin,
			Kinds:    bindingKinds,
			Sources:  check.KubernetesObjects,
			Reads:    rbacmodel.ModelKinds,
		},
		Eval: evalRisk(rbacmodel.RiskFullAccess, func(b *rbacmodel.Binding, _ rbacmodel.RiskGrant) string {
			if b.Scope().Cluster {
				return "is cluster-admin (every verb on every resource, cluster-wide)"
			}
			return "has full access " + in(b) + " (every verb on every resource)"
		}),
	})
}
