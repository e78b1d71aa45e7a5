package netpol

import (
	"fmt"
	"net/netip"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// LabelNamespaceName is the label the API server puts on every namespace.
const LabelNamespaceName = "kubernetes.io/metadata.name"

// Pod is what a workload would run: one pod template.
type Pod struct {
	Object      *inventory.Object
	Namespace   string
	Labels      labels.Set
	HostNetwork bool
	// Ports are the container ports, for named ports.
	Ports []corev1.ContainerPort
	// LabelsPath is the path of the pod template's labels.
	LabelsPath *field.Path
}

// Name is "Deployment pets/web".
func (p *Pod) Name() string { return p.Object.Kind + " " + nsName(p.Namespace, p.Object.Meta.Name) }

// Namespace is a namespace seen in the inventory, as an object or as the
// namespace of something in it.
type Namespace struct {
	Name   string
	Labels labels.Set
	// Object is the Namespace object, nil when the inventory lacks it.
	Object *inventory.Object
}

// Policy is one NetworkPolicy.
type Policy struct {
	Object    *inventory.Object
	Namespace string
	Name      string
	Spec      *networkingv1.NetworkPolicySpec
	// Ingress and Egress are the effective policyTypes.
	Ingress, Egress bool
	// SelectsAll is an empty podSelector: every pod of the namespace, now
	// and later.
	SelectsAll bool
	// Selected are the inventory's pods the policy selects.
	Selected []*Pod

	selector        labels.Selector // nil: invalid, selects nothing
	ingress, egress []rule
}

// Ref is "NetworkPolicy pets/default-deny".
func (p *Policy) Ref() string { return "NetworkPolicy " + nsName(p.Namespace, p.Name) }

type rule struct {
	index int
	all   bool // no peers: every source or destination
	peers []peer
	ports []networkingv1.NetworkPolicyPort
}

type peer struct {
	index      int
	pods, nss  labels.Selector // nil: not set
	podsSet    bool
	nssSet     bool
	block      *ipBlock
	invalid    bool
	allPods    bool // namespaceSelector {} (and podSelector unset or {}): every pod
	allOutside bool // ipBlock /0 without except
}

type ipBlock struct {
	cidr   netip.Prefix
	except []netip.Prefix
}

func (b *ipBlock) contains(a netip.Addr) bool {
	if !b.cidr.Contains(a) {
		return false
	}
	for _, e := range b.except {
		if e.Contains(a) {
			return false
		}
	}
	return true
}

// RuleRef points at one rule of a policy, and at the peer in it that
// matched (-1 when the rule has no peers).
type RuleRef struct {
	Policy *Policy
	Egress bool
	Rule   int
	Peer   int
}

// Path is the rule's field path, e.g. spec.egress[0] or
// spec.ingress[1].from[0].
func (r RuleRef) Path() *field.Path {
	p := field.NewPath("spec", "ingress").Index(r.Rule)
	peers := "from"
	if r.Egress {
		p = field.NewPath("spec", "egress").Index(r.Rule)
		peers = "to"
	}
	if r.Peer >= 0 {
		p = p.Child(peers).Index(r.Peer)
	}
	return p
}

func (r RuleRef) String() string { return r.Policy.Ref() + " " + r.Path().String() }

// Port is a destination port.
type Port struct {
	Protocol corev1.Protocol
	Number   int32
}

func (p Port) String() string { return fmt.Sprintf("%d/%s", p.Number, p.Protocol) }

// Endpoint is one end of a connection: a pod of the inventory, or an
// address outside the pod network.
type Endpoint struct {
	Pod *Pod
	IP  netip.Addr
}

// Well-known destinations.
var (
	// IMDS is the Azure Instance Metadata Service: a pod that reaches it
	// gets tokens for the node's managed identities (the kubelet identity
	// and any user-assigned identity on the node pool).
	IMDS     = netip.MustParseAddr("169.254.169.254")
	IMDSPort = Port{Protocol: corev1.ProtocolTCP, Number: 80}
	// APIServerPort is the port the AKS API server listens on.
	APIServerPort = Port{Protocol: corev1.ProtocolTCP, Number: 443}
)

// Options tune the model.
type Options struct {
	// APIServer are the API server's addresses as pods reach them after
	// the kubernetes Service's NAT (the cluster FQDN's or private
	// endpoint's IP). Empty means unknown: reachability is then judged on
	// port 443 to addresses outside the cluster.
	APIServer []netip.Addr
	// Engine overrides what the inventory says about the network policy
	// engine (see EngineReporter); empty means ask the inventory.
	Engine string
}

// Model is the network policy state of one inventory.
type Model struct {
	Pods       []*Pod
	Policies   []*Policy
	Namespaces []*Namespace // inventory order of first appearance
	// Engine is the cluster's network policy engine if known ("azure",
	// "calico", "cilium", "none"); Enforced is false only when it is known
	// that no engine enforces policies.
	Engine   string
	Enforced bool
	// IMDSBlocked: the platform blocks pods from IMDS (AKS
	// podLinkLocalAccess None), see IMDSReporter.
	IMDSBlocked bool

	opt          Options
	ns           map[string]*Namespace
	podsByNS     map[string][]*Pod
	policiesByNS map[string][]*Policy
	// selecting are the policies that select each pod, in inventory order:
	// found through the label index once, so that a pod's questions do not
	// go through every policy of its namespace.
	selecting map[*Pod][]*Policy
	// labelIndex finds a namespace's pods by label, so that a selector
	// costs the pods it names rather than every pod of the namespace.
	labelIndex map[string]*podIndex
	reports    map[*Pod]*PodReport
	nsReports  map[string]*NamespaceReport
	byObject   map[*inventory.Object]any
}

type modelKey struct{}

// For returns the model of inv, built once and shared by every check.
func For(inv *inventory.Inventory) *Model {
	return inv.Derived(modelKey{}, func(inv *inventory.Inventory) any { return Build(inv, Options{}) }).(*Model)
}

// Build builds the model. Use For in checks.
func Build(inv *inventory.Inventory, opt Options) *Model {
	m := &Model{opt: opt, ns: map[string]*Namespace{}, podsByNS: map[string][]*Pod{}, policiesByNS: map[string][]*Policy{},
		reports: map[*Pod]*PodReport{}, nsReports: map[string]*NamespaceReport{}, byObject: map[*inventory.Object]any{},
		selecting: map[*Pod][]*Policy{}, labelIndex: map[string]*podIndex{}}
	m.Engine = opt.Engine
	if m.Engine == "" {
		m.Engine = PolicyEngine(inv)
	}
	m.Enforced = !strings.EqualFold(m.Engine, EngineNone)
	m.IMDSBlocked = imdsBlocked(inv)
	for _, o := range inv.Objects {
		switch o.Kind {
		case "Namespace":
			if n, ok := o.Typed.(*corev1.Namespace); ok {
				ns := m.namespace(n.Name)
				if ns.Object == nil {
					ns.Object = o
					for k, v := range n.Labels {
						ns.Labels[k] = v
					}
					ns.Labels[LabelNamespaceName] = n.Name
					m.byObject[o] = ns
				}
			}
		case "NetworkPolicy":
			if np, ok := o.Typed.(*networkingv1.NetworkPolicy); ok {
				p := newPolicy(o, np)
				m.namespace(p.Namespace)
				m.Policies = append(m.Policies, p)
				m.policiesByNS[p.Namespace] = append(m.policiesByNS[p.Namespace], p)
				m.byObject[o] = p
			}
		default:
			ps, ok := o.PodSpec()
			if !ok {
				continue
			}
			p := &Pod{Object: o, Namespace: o.Meta.Namespace, Labels: labels.Set(ps.Meta.Labels), HostNetwork: ps.Spec.HostNetwork,
				LabelsPath: ps.MetaPath.Child("labels")}
			if p.Labels == nil {
				p.Labels = labels.Set{}
			}
			for _, c := range ps.Containers() {
				p.Ports = append(p.Ports, c.Ports...)
			}
			m.namespace(p.Namespace)
			m.Pods = append(m.Pods, p)
			m.podsByNS[p.Namespace] = append(m.podsByNS[p.Namespace], p)
			m.byObject[o] = p
		}
	}
	for ns, pods := range m.podsByNS {
		m.labelIndex[ns] = newPodIndex(pods)
	}
	for _, p := range m.Policies {
		if p.selector == nil {
			continue
		}
		p.Selected = m.labelIndex[p.Namespace].matching(p.selector, nil)
		for _, pod := range p.Selected {
			m.selecting[pod] = append(m.selecting[pod], p)
		}
	}
	for _, pod := range m.Pods {
		m.reports[pod] = m.report(pod)
	}
	for _, ns := range m.Namespaces {
		m.nsReports[ns.Name] = m.namespaceReport(ns)
	}
	return m
}

func (m *Model) namespace(name string) *Namespace {
	if ns, ok := m.ns[name]; ok {
		return ns
	}
	ns := &Namespace{Name: name, Labels: labels.Set{LabelNamespaceName: name}}
	m.ns[name] = ns
	m.Namespaces = append(m.Namespaces, ns)
	return ns
}

func newPolicy(o *inventory.Object, np *networkingv1.NetworkPolicy) *Policy {
	p := &Policy{Object: o, Namespace: np.Namespace, Name: np.Name, Spec: &np.Spec}
	sel := np.Spec.PodSelector
	p.SelectsAll = len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0
	p.selector = selector(&sel)
	if len(np.Spec.PolicyTypes) == 0 {
		p.Ingress = true
		p.Egress = len(np.Spec.Egress) > 0
	}
	for _, t := range np.Spec.PolicyTypes {
		switch t {
		case networkingv1.PolicyTypeIngress:
			p.Ingress = true
		case networkingv1.PolicyTypeEgress:
			p.Egress = true
		}
	}
	for i, r := range np.Spec.Ingress {
		p.ingress = append(p.ingress, newRule(i, r.From, r.Ports))
	}
	for i, r := range np.Spec.Egress {
		p.egress = append(p.egress, newRule(i, r.To, r.Ports))
	}
	return p
}

func newRule(i int, peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort) rule {
	r := rule{index: i, all: len(peers) == 0, ports: ports}
	for j, pe := range peers {
		p := peer{index: j}
		if pe.PodSelector != nil {
			p.podsSet = true
			p.pods = selector(pe.PodSelector)
		}
		if pe.NamespaceSelector != nil {
			p.nssSet = true
			p.nss = selector(pe.NamespaceSelector)
		}
		if pe.IPBlock != nil {
			b, err := parseBlock(pe.IPBlock)
			if err == nil {
				p.block = b
				p.allOutside = b.cidr.Bits() == 0 && len(b.except) == 0
			}
		}
		switch {
		case pe.IPBlock != nil && (p.podsSet || p.nssSet), pe.IPBlock != nil && p.block == nil,
			p.podsSet && p.pods == nil, p.nssSet && p.nss == nil, !p.podsSet && !p.nssSet && pe.IPBlock == nil:
			// Rejected by the API server: selects nothing.
			p.invalid = true
		}
		p.allPods = !p.invalid && p.nssSet && p.nss.Empty() && (!p.podsSet || p.pods.Empty())
		r.peers = append(r.peers, p)
	}
	return r
}

func selector(s *metav1.LabelSelector) labels.Selector {
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		return nil
	}
	return sel
}

func parseBlock(b *networkingv1.IPBlock) (*ipBlock, error) {
	c, err := netip.ParsePrefix(b.CIDR)
	if err != nil {
		return nil, err
	}
	out := &ipBlock{cidr: c.Masked()}
	for _, e := range b.Except {
		ep, err := netip.ParsePrefix(e)
		if err != nil {
			return nil, err
		}
		out.except = append(out.except, ep.Masked())
	}
	return out, nil
}

// NamespaceOf returns a namespace by name.
func (m *Model) NamespaceOf(name string) (*Namespace, bool) {
	ns, ok := m.ns[name]
	return ns, ok
}

// PodOf returns the model's pod for a workload object.
func (m *Model) PodOf(o *inventory.Object) (*Pod, bool) {
	p, ok := m.byObject[o].(*Pod)
	return p, ok
}

// PolicyOf returns the model's policy for a NetworkPolicy object.
func (m *Model) PolicyOf(o *inventory.Object) (*Policy, bool) {
	p, ok := m.byObject[o].(*Policy)
	return p, ok
}

// PodsIn returns the inventory's pods of a namespace.
func (m *Model) PodsIn(ns string) []*Pod { return m.podsByNS[ns] }

// PoliciesIn returns the policies of a namespace.
func (m *Model) PoliciesIn(ns string) []*Policy { return m.policiesByNS[ns] }

// Selecting returns the policies that select pod in one direction. A
// hostNetwork pod has none: policies do not apply to it.
func (m *Model) Selecting(pod *Pod, egress bool) []*Policy {
	if pod.HostNetwork {
		return nil
	}
	var out []*Policy
	for _, p := range m.selecting[pod] {
		if egress && p.Egress || !egress && p.Ingress {
			out = append(out, p)
		}
	}
	return out
}

// matchesPod reports whether a peer of a policy in namespace policyNS
// selects pod.
func (m *Model) matchesPod(pe *peer, policyNS string, pod *Pod) bool {
	if pe.invalid || pe.block != nil || pod.HostNetwork {
		return false
	}
	if pe.nssSet {
		ns := m.ns[pod.Namespace]
		nsLabels := labels.Set{LabelNamespaceName: pod.Namespace}
		if ns != nil {
			nsLabels = ns.Labels
		}
		if !pe.nss.Matches(nsLabels) {
			return false
		}
	} else if pod.Namespace != policyNS {
		return false
	}
	return !pe.podsSet || pe.pods.Matches(pod.Labels)
}

// matchesEndpoint reports whether a peer selects an endpoint.
func (m *Model) matchesEndpoint(pe *peer, policyNS string, ep Endpoint) bool {
	if ep.Pod != nil {
		return m.matchesPod(pe, policyNS, ep.Pod)
	}
	return !pe.invalid && pe.block != nil && ep.IP.IsValid() && pe.block.contains(ep.IP)
}

// portMatches reports whether a rule's ports allow port on dst (nil for an
// address outside the cluster, which has no named ports).
func portMatches(ports []networkingv1.NetworkPolicyPort, port Port, dst *Pod) bool {
	if len(ports) == 0 {
		return true
	}
	for _, pp := range ports {
		proto := corev1.ProtocolTCP
		if pp.Protocol != nil {
			proto = *pp.Protocol
		}
		if proto != port.Protocol {
			continue
		}
		switch {
		case pp.Port == nil:
			return true
		case pp.Port.Type == intstr.Int:
			lo, hi := pp.Port.IntVal, pp.Port.IntVal
			if pp.EndPort != nil && *pp.EndPort >= lo {
				hi = *pp.EndPort
			}
			if port.Number >= lo && port.Number <= hi {
				return true
			}
		default:
			if dst == nil {
				continue
			}
			for _, cp := range dst.Ports {
				cproto := cp.Protocol
				if cproto == "" {
					cproto = corev1.ProtocolTCP
				}
				if cp.Name == pp.Port.StrVal && cproto == port.Protocol && cp.ContainerPort == port.Number {
					return true
				}
			}
		}
	}
	return false
}

// Verdict is the answer to one reachability question in one direction.
type Verdict struct {
	Allowed bool
	// Isolated is false when no policy selects the pod in this direction
	// (or no engine enforces policies): everything is allowed.
	Isolated bool
	// By is the rule that allows the traffic when the pod is isolated.
	By *RuleRef
}

// EgressAllows says whether src's egress policies allow a connection to
// dst on port.
func (m *Model) EgressAllows(src *Pod, dst Endpoint, port Port) Verdict {
	return m.allows(src, dst, port, true)
}

// IngressAllows says whether dst's ingress policies allow a connection
// from src on port.
func (m *Model) IngressAllows(dst *Pod, src Endpoint, port Port) Verdict {
	return m.allows(dst, src, port, false)
}

func (m *Model) allows(pod *Pod, other Endpoint, port Port, egress bool) Verdict {
	if !m.Enforced || pod.HostNetwork {
		return Verdict{Allowed: true}
	}
	v := Verdict{}
	var dst *Pod
	if egress {
		dst = other.Pod
	} else {
		dst = pod
	}
	for _, p := range m.selecting[pod] {
		if !(egress && p.Egress || !egress && p.Ingress) {
			continue
		}
		v.Isolated = true
		rules := p.ingress
		if egress {
			rules = p.egress
		}
		for i := range rules {
			r := &rules[i]
			if !portMatches(r.ports, port, dst) {
				continue
			}
			if r.all {
				return Verdict{Allowed: true, Isolated: true, By: &RuleRef{Policy: p, Egress: egress, Rule: r.index, Peer: -1}}
			}
			for j := range r.peers {
				if m.matchesEndpoint(&r.peers[j], p.Namespace, other) {
					return Verdict{Allowed: true, Isolated: true, By: &RuleRef{Policy: p, Egress: egress, Rule: r.index, Peer: r.peers[j].index}}
				}
			}
		}
	}
	if !v.Isolated {
		v.Allowed = true
	}
	return v
}

// Allowed says whether a connection from src to dst on port is allowed:
// src's egress and dst's ingress must both allow it. An address outside
// the cluster has no policies of its own.
func (m *Model) Allowed(src, dst Endpoint, port Port) bool {
	if src.Pod != nil && !m.EgressAllows(src.Pod, dst, port).Allowed {
		return false
	}
	if dst.Pod != nil && !m.IngressAllows(dst.Pod, src, port).Allowed {
		return false
	}
	return true
}

func nsName(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

// ModelKinds are the kinds the model is built from. A check that judges
// through the model reads them (check.Meta.Reads): a live scan that cannot
// list one of them would see a partial model, so the check does not run.
var ModelKinds = append([]string{"Namespace", "NetworkPolicy"}, inventory.WorkloadKinds...)
