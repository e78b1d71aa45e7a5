package netpol

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// EngineNone is the AKS network policy setting under which no engine
// enforces NetworkPolicies: they are accepted by the API server and
// ignored.
const EngineNone = "none"

// EngineReporter is the hook through which the inventory tells the model
// which network policy engine the cluster runs.
//
// The AKS managed cluster (*aks.Cluster, added to a manifest scan with
// `scan manifests --aks`) implements it, returning
// properties.networkProfile.networkPolicy ("azure", "calico", "cilium"), or
// "none" when AKS reports none or leaves the property out (a cluster
// created without a network policy engine). When an object reports "none",
// Model.Enforced is false and every pod counts as not isolated, whatever
// its policies: the network checks then say that no policy is enforced.
// Without such an object the engine is unknown and policies are taken as
// enforced.
type EngineReporter interface {
	NetworkPolicyEngine() string
}

// IMDSReporter is the companion hook for AKS's own IMDS block: the same
// object should implement it, returning true when
// properties.networkProfile.podLinkLocalAccess is "None" (pods other than
// hostNetwork pods cannot reach 169.254.169.254 at all, whatever the
// policies say).
type IMDSReporter interface {
	PodIMDSBlocked() bool
}

// imdsBlocked reports whether an object of inv says AKS blocks pods from
// IMDS.
func imdsBlocked(inv *inventory.Inventory) bool {
	for _, o := range inv.Objects {
		if r, ok := o.Typed.(IMDSReporter); ok && r.PodIMDSBlocked() {
			return true
		}
	}
	return false
}

// PolicyEngine returns the engine reported by the first object of inv
// whose Typed value implements EngineReporter, or "" when none does.
func PolicyEngine(inv *inventory.Inventory) string {
	for _, o := range inv.Objects {
		if r, ok := o.Typed.(EngineReporter); ok {
			return r.NetworkPolicyEngine()
		}
	}
	return ""
}

// Reach is a three-way answer for destinations whose address is not known.
type Reach int

const (
	ReachNo Reach = iota
	// ReachMaybe: an ipBlock allows the port to some addresses outside the
	// cluster, which may or may not include the destination.
	ReachMaybe
	ReachYes
)

func (r Reach) String() string { return [...]string{"no", "maybe", "yes"}[r] }

// PodReport is what the model says about one pod.
type PodReport struct {
	Pod *Pod
	// IngressIsolated and EgressIsolated: some enforced policy selects the
	// pod in that direction.
	IngressIsolated, EgressIsolated bool
	// OpenIngress is a rule of a policy selecting the pod that admits every
	// source on every port (no peers, no ports), nil if none.
	OpenIngress *RuleRef
	// IMDS says whether the pod may open 169.254.169.254:80/TCP.
	IMDS Verdict
	// APIServer says whether the pod may reach the API server, and
	// APIServerBy the rule that allows it when the pod is egress-isolated.
	APIServer   Reach
	APIServerBy *RuleRef
}

// Report returns the model's findings about a pod.
func (m *Model) Report(p *Pod) *PodReport { return m.reports[p] }

func (m *Model) report(pod *Pod) *PodReport {
	r := &PodReport{Pod: pod}
	if m.Enforced && !pod.HostNetwork {
		for _, p := range m.selecting[pod] {
			if p.Ingress {
				r.IngressIsolated = true
				for _, ru := range p.ingress {
					if ru.all && len(ru.ports) == 0 && r.OpenIngress == nil {
						r.OpenIngress = &RuleRef{Policy: p, Rule: ru.index, Peer: -1}
					}
				}
			}
			if p.Egress {
				r.EgressIsolated = true
			}
		}
	}
	r.IMDS = m.EgressAllows(pod, Endpoint{IP: IMDS}, IMDSPort)
	if m.IMDSBlocked && !pod.HostNetwork {
		r.IMDS = Verdict{Isolated: true}
	}
	r.APIServer, r.APIServerBy = m.apiServer(pod, r.EgressIsolated)
	return r
}

func (m *Model) apiServer(pod *Pod, isolated bool) (Reach, *RuleRef) {
	if !isolated {
		return ReachYes, nil
	}
	if len(m.opt.APIServer) > 0 {
		for _, a := range m.opt.APIServer {
			if v := m.EgressAllows(pod, Endpoint{IP: a}, APIServerPort); v.Allowed {
				return ReachYes, v.By
			}
		}
		return ReachNo, nil
	}
	reach, by := ReachNo, (*RuleRef)(nil)
	for _, p := range m.selecting[pod] {
		if !p.Egress {
			continue
		}
		for _, ru := range p.egress {
			if !portMatches(ru.ports, APIServerPort, nil) {
				continue
			}
			if ru.all {
				return ReachYes, &RuleRef{Policy: p, Egress: true, Rule: ru.index, Peer: -1}
			}
			for _, pe := range ru.peers {
				switch {
				case pe.invalid || pe.block == nil:
				case pe.allOutside:
					return ReachYes, &RuleRef{Policy: p, Egress: true, Rule: ru.index, Peer: pe.index}
				case reach == ReachNo:
					reach, by = ReachMaybe, &RuleRef{Policy: p, Egress: true, Rule: ru.index, Peer: pe.index}
				}
			}
		}
	}
	return reach, by
}

// NamespaceReport says whether a namespace denies by default.
type NamespaceReport struct {
	Namespace *Namespace
	// DenyIngress and DenyEgress: policies with an empty podSelector isolate
	// every pod of the namespace, present and future, in that direction,
	// and none of their rules admits all traffic.
	DenyIngress, DenyEgress bool
	// IngressOpenedBy and EgressOpenedBy are a namespace-wide rule that
	// admits all traffic (no peers, no ports), nil if none.
	IngressOpenedBy, EgressOpenedBy *RuleRef
	// Anchor is the object a namespace-level finding belongs to: the
	// Namespace object, else the namespace's first NetworkPolicy, else its
	// first pod that policies apply to (not hostNetwork), in inventory
	// order; nil when there is none of these.
	Anchor     *inventory.Object
	AnchorPath *field.Path
}

// NamespaceReport returns the report of a namespace the inventory
// mentions, nil for any other.
func (m *Model) NamespaceReport(name string) *NamespaceReport { return m.nsReports[name] }

func (m *Model) namespaceReport(ns *Namespace) *NamespaceReport {
	name := ns.Name
	r := &NamespaceReport{Namespace: ns}
	var isoIn, isoEg bool
	for _, p := range m.policiesByNS[name] {
		if !p.SelectsAll {
			continue
		}
		if p.Ingress {
			isoIn = true
			for _, ru := range p.ingress {
				if ru.all && len(ru.ports) == 0 && r.IngressOpenedBy == nil {
					r.IngressOpenedBy = &RuleRef{Policy: p, Rule: ru.index, Peer: -1}
				}
			}
		}
		if p.Egress {
			isoEg = true
			for _, ru := range p.egress {
				if ru.all && len(ru.ports) == 0 && r.EgressOpenedBy == nil {
					r.EgressOpenedBy = &RuleRef{Policy: p, Egress: true, Rule: ru.index, Peer: -1}
				}
			}
		}
	}
	r.DenyIngress = m.Enforced && isoIn && r.IngressOpenedBy == nil
	r.DenyEgress = m.Enforced && isoEg && r.EgressOpenedBy == nil
	switch {
	case ns.Object != nil:
		r.Anchor, r.AnchorPath = ns.Object, field.NewPath("metadata", "name")
	case len(m.policiesByNS[name]) > 0:
		r.Anchor, r.AnchorPath = m.policiesByNS[name][0].Object, field.NewPath("spec", "podSelector")
	default:
		for _, p := range m.podsByNS[name] {
			if !p.HostNetwork {
				r.Anchor, r.AnchorPath = p.Object, field.NewPath("metadata", "namespace")
				break
			}
		}
	}
	return r
}

// Dangling says what of a policy selects nothing: the policy's own
// podSelector (when it is not empty), and podSelector-only peers (pods of
// the policy's namespace). It answers only when the inventory holds pods
// of the namespace; otherwise nothing is known to be missing.
func (m *Model) Dangling(p *Policy) (selectsNothing bool, peers []RuleRef) {
	if len(m.podsByNS[p.Namespace]) == 0 {
		return false, nil
	}
	idx := m.labelIndex[p.Namespace]
	selectsNothing = !p.SelectsAll && len(p.Selected) == 0
	check := func(rules []rule, egress bool) {
		for _, ru := range rules {
			for _, pe := range ru.peers {
				if pe.invalid || pe.nssSet || !pe.podsSet || pe.pods.Empty() {
					continue
				}
				if !idx.any(pe.pods) {
					peers = append(peers, RuleRef{Policy: p, Egress: egress, Rule: ru.index, Peer: pe.index})
				}
			}
		}
	}
	if p.Ingress {
		check(p.ingress, false)
	}
	if p.Egress {
		check(p.egress, true)
	}
	return selectsNothing, peers
}

// IsSystemNamespace reports the namespaces Kubernetes and AKS manage
// (kube-system, kube-public, kube-node-lease). Their isolation is the
// platform's: the network checks skip them.
func IsSystemNamespace(ns string) bool {
	return ns == "kube-system" || ns == "kube-public" || ns == "kube-node-lease"
}
