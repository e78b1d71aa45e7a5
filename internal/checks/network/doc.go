// Package network holds the checks on network isolation between pods:
// default-deny NetworkPolicies, pods open to everything, pods that can
// reach the Azure Instance Metadata Service, and policies that select
// nothing. They judge the pods the inventory would run with the
// NetworkPolicy semantics of internal/analysis/netpol, built once per
// inventory.
//
// Pod findings belong to the workload (the pod template's labels, which is
// what policies select); policy findings to the NetworkPolicy; namespace
// findings to the Namespace object, or, when the inventory has none, to the
// namespace's first NetworkPolicy, or else its first workload that
// policies apply to. hostNetwork pods are not judged (policies do not
// apply to them; K8S-002 reports host networking), nor are the platform's
// namespaces kube-system, kube-public and kube-node-lease.
//
// Whether the cluster enforces policies at all is not in manifests: when
// the inventory says the AKS network policy engine is none (see
// netpol.EngineReporter), the checks say that no policy is enforced.
//
// One check per file; each file's doc comment names what it reads.
package network
