// Package rbac resolves Kubernetes RBAC the way the API server's authorizer
// does, so that checks can judge what a subject may really do instead of
// what a role would allow if someone bound it.
//
// The model is built once per inventory (For) from its Roles, ClusterRoles,
// RoleBindings and ClusterRoleBindings, completed by the built-in
// ClusterRoles that manifests bind without defining (cluster-admin, admin,
// edit, view and the system:aggregate-to-* roles they aggregate). It
// answers:
//
//   - which rules a subject holds, per namespace, and through which
//     binding → role → rule path (Grants, Access);
//   - which of those rights are dangerous (Risk: reading Secrets, running
//     pods, exec, escalate, bind, impersonate, minting tokens, nodes/proxy,
//     approving certificates, editing admission webhooks, full wildcards);
//   - whether a subject can climb to cluster-admin through other service
//     accounts, and by which chain of steps (Escalation).
//
// Matching follows k8s.io/kubernetes/pkg/apis/rbac/v1 evaluation helpers:
// "*" matches any verb, API group or resource; a subresource is matched by
// "resource/subresource" or "*/subresource" (never by "resource/*");
// resourceNames narrow a rule to the named objects, so such a rule never
// allows create, list or a request on any other name; nonResourceURLs only
// match URL requests. A RoleBinding grants only within its namespace and
// never grants cluster-scoped resources (nodes, ClusterRoles, webhook
// configurations, CSRs), even when it references a ClusterRole that lists
// them. A ServiceAccount subject without a namespace in a RoleBinding means
// the binding's namespace. A ServiceAccount is also the user
// system:serviceaccount:NS:NAME and a member of the groups
// system:serviceaccounts, system:serviceaccounts:NS and system:authenticated.
//
// ClusterRoles with an aggregationRule get the rules of every ClusterRole
// whose labels match one of its selectors, transitively, as the
// clusterrole-aggregation controller does. Each effective rule remembers
// the role it was written in, so a finding can point at it.
//
// The analysis only reads the inventory: manifests and live clusters are
// judged alike. An object absent from the inventory is unknown, never
// assumed harmless or dangerous, except for the built-in roles above whose
// rules are fixed by Kubernetes. Which objects are the API server's own is
// decided by content against its bootstrap policy (bootstrap.go), not by
// name or label; a redefined built-in role keeps its built-in rules.
package rbacmodel
