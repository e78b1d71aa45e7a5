// Package attackpath joins findings of every layer into attack paths: from
// the internet through an entry point (a public LoadBalancer, NodePort or
// Ingress, a public API server, a registry open to all networks), through
// workloads (a fixable vulnerability, node takeover) and identities (a
// ServiceAccount's RBAC, the kubelet's managed identity reached through
// IMDS or azure.json) to crown jewels: cluster-admin, Secrets, Key Vault,
// a registry, the node.
//
// Which hop a finding opens is declared once, on its check
// (check.Meta.Attack). Build turns findings and the objects they are about
// into a Graph; Analyze finds, for every entry point and every kind of
// crown jewel, the cheapest path between them (one Dijkstra run per kind,
// from the jewels backwards, so the cost grows with the graph, not with
// the number of paths), scores it, and names the hop that cuts the most
// paths: a min-cut heuristic, the fix to make first.
package attackpath
