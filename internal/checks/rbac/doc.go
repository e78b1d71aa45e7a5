// Package rbac holds the checks on who may do what through RBAC. They judge
// bindings, not roles: a role is only a risk once someone is bound to it,
// and then the risk is the subject's. The model (internal/analysis/rbacmodel)
// resolves every binding's subjects to their effective rules, aggregated
// ClusterRoles and built-in roles included, once per inventory.
//
// Findings belong to the RoleBinding or ClusterRoleBinding that grants the
// right, at the field of the subject it grants it to (subjects[i]); the
// message names the subject and the path binding → role → rule that
// grants it. The API server's own bindings are not judged by the risk
// checks: those of its bootstrap policy, recognised by name, roleRef and
// subjects (rbac.Binding.Bootstrap), never by a system: prefix or a label,
// which anyone can write. A role redefining a built-in one is K8S-124's.
// Bindings that grant anything
// beyond discovery to system:anonymous, system:unauthenticated,
// system:authenticated or system:serviceaccounts are reported whoever owns
// them, and so are bindings that name system:masters, except the API
// server's own cluster-admin binding. A role bound to nobody
// is reported once, at low severity, on the role. A workload's
// ServiceAccount that can climb to cluster-admin is reported on the
// workload with the chain of steps.
//
// One check per file; each file's doc comment names what it reads.
package rbac
