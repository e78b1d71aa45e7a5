// Package operator keeps Bulwark's verdicts current inside a cluster: it
// watches the kinds the catalog reads (through a controller-runtime cache;
// Secrets as metadata only), re-evaluates a namespace when something in it
// or something it depends on changes, and keeps one OpenReports Report per
// namespace and one ClusterReport for cluster-scoped subjects.
//
// The work queue holds namespace names, not objects, so it is bounded by
// the number of namespaces: a burst of changes in one namespace is one
// evaluation, after a short debounce. What a change re-judges:
//
//   - an object in namespace N: N (a RoleBinding also re-judges the
//     namespaces of the service accounts it names);
//   - a Namespace, Node, ClusterRole or ClusterRoleBinding: every
//     namespace (their effect on namespaced subjects is not traced; the
//     simplest correct answer is to re-judge all, which costs one
//     evaluation per namespace);
//   - any change: the cluster report, at most once per ClusterDelay.
//
// A namespace is evaluated with its own objects, every cluster-scoped
// object, and the Roles and RoleBindings of every namespace (a binding
// elsewhere may grant to a service account of this one). The cluster
// report is an evaluation of everything cached. The cache's resync
// (Config.Resync) replays every object from memory, which re-judges every
// namespace without listing anything from the API server again: grace
// periods that come due are reported within one resync.
package operator
