// Package netpol evaluates Kubernetes NetworkPolicies with the API's
// semantics (networking.k8s.io/v1) over the pods an inventory would run,
// so that checks can say which pods are isolated, what may reach them and
// what they may reach: the Azure Instance Metadata Service
// (169.254.169.254:80, which hands out the node's managed identity tokens)
// and the API server in particular.
//
// Semantics, as documented at
// https://kubernetes.io/docs/concepts/services-networking/network-policies/:
//
//   - A pod is isolated for ingress (egress) when at least one policy in its
//     namespace selects it and lists Ingress (Egress) in its effective
//     policyTypes. Without policyTypes a policy is Ingress, plus Egress
//     when it has egress rules. A pod no policy isolates allows everything
//     in that direction.
//   - An isolated pod allows the union of the rules of every policy that
//     selects it in that direction; order and policy count do not matter.
//   - Traffic between two pods needs the source's egress and the
//     destination's ingress to allow it.
//   - A rule allows a peer when any of its peers matches (no peers: every
//     source or destination) and any of its ports matches (no ports: every
//     port). A port without a protocol is TCP; a port without a number is
//     every port of its protocol; endPort makes a range; a named port
//     matches a container port of that name and protocol on the destination
//     pod (for ingress the selected pod, for egress the peer) and never an
//     address outside the cluster.
//   - A peer's podSelector alone selects pods of the policy's namespace;
//     namespaceSelector alone every pod of the selected namespaces; both in
//     one peer, the selected pods of the selected namespaces. An empty
//     selector selects everything. ipBlock selects addresses in cidr and
//     outside every except range; pods are not matched by ipBlock here
//     (their addresses are not known and are implementation-defined
//     anyway).
//   - Namespaces carry the label kubernetes.io/metadata.name=NAME, which
//     the API server sets; other namespace labels are known only for
//     Namespace objects in the inventory.
//   - hostNetwork pods are not subject to NetworkPolicies (no common
//     engine enforces them there) and are matched by no pod selector.
//
// A selector the API server would reject (a bad operator, say) selects
// nothing. Objects without a namespace are taken to share one (the
// namespace they are deployed to), as the manifests of one application do.
//
// Whether policies are enforced at all is the cluster's business: on AKS
// a cluster created with network policy engine "none" enforces none. See
// EngineReporter for the hook that tells the model so.
package netpol
