// Package cluster reads a running cluster through its Kubernetes API and
// turns what it finds into inventory objects, so that every check written
// for manifests runs unchanged on live objects.
//
// What is read: every kind the catalog looks at (Kinds lists them with
// their API resources): the workload kinds, Namespaces, ServiceAccounts,
// RBAC objects, NetworkPolicies, Services, Ingresses, ConfigMaps, Secrets,
// LimitRanges, ResourceQuotas and Nodes, plus the API server's /version.
//
//   - Lists are paginated (limit/continue, PageSize objects a request) and
//     run concurrently, at most Concurrency at a time. A continue token that
//     expires mid-list restarts that list, so each kind is one consistent
//     snapshot.
//   - Secrets are read through the metadata API (PartialObjectMetadata):
//     their data is never requested. Checks get a *corev1.Secret holding the
//     metadata only, with Type set for service account token Secrets (a
//     second metadata list, filtered on the server by type, finds them) and
//     empty, meaning unknown, for the others. The kubectl last-applied-configuration
//     annotation, which on a Secret applied with kubectl holds its values,
//     is dropped from every object as soon as it is decoded, as are
//     managedFields; neither is part of an object's effective state.
//   - Namespaces are selected by Options.Namespaces and
//     Options.ExcludeNamespaces (exclusion wins). Cluster-scoped kinds
//     (Nodes, ClusterRoles, ClusterRoleBindings) are always read: bindings
//     in a namespace refer to ClusterRoles, and nodes run every namespace's
//     pods.
//   - A kind the credentials may not list (403) does not stop the scan and
//     does not pass silently: its KindResult carries the error, and the
//     scan reports the checks that needed it as not assessed. A kind the
//     server does not serve (404) holds no objects. Any other failure
//     (unreachable server, rejected credentials, timeout) ends the
//     collection with an error.
//
// Controllers and what they own: a Pod, ReplicaSet or Job whose controller
// (metadata.ownerReferences with controller: true) is a workload object
// that was also read is not handed to the checks; the controller's pod
// template is evaluated instead, so a Deployment with 30 replicas yields
// one finding per problem, not 31 (Deployment, ReplicaSet and 30 Pods),
// and the finding points at the object to fix. Controlled Pods are kept in
// inventory.ClusterInfo.ControlledPods for checks about what is running.
// Pods whose owner was not read (another namespace's filter, an operator's
// custom resource, a Node for static pods) are evaluated themselves. What
// this misses: changes made to pods after their template, by mutating
// admission webhooks (injected sidecars) or by hand.
//
// Every object is located by its API path, for example
// /apis/apps/v1/namespaces/shop/deployments/web.
package cluster
