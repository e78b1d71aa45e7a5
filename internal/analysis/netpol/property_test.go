package netpol

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// Property tests: random clusters and policies from a fixed seed, and laws
// that must hold whatever the policies say.

const propertyRounds = 300

// world is a generated cluster: namespaces, pods and policies.
type world struct {
	namespaces []*corev1.Namespace
	pods       []*corev1.Pod
	policies   []*networkingv1.NetworkPolicy
}

var (
	nsNames     = []string{"a", "b", "c"}
	labelKeys   = []string{"app", "tier", "team"}
	labelValues = []string{"x", "y", "z"}
	cidrs       = []string{"0.0.0.0/0", "10.0.0.0/8", "169.254.0.0/16", "169.254.169.254/32", "192.168.1.0/24"}
	excepts     = []string{"169.254.169.254/32", "10.1.0.0/16", "192.168.1.128/25"}
	probePorts  = []Port{tcp(80), tcp(443), tcp(8080), udp(53), tcp(8050)}
	probeIPs    = []netip.Addr{IMDS, netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("10.2.0.1"), netip.MustParseAddr("192.168.1.200"), netip.MustParseAddr("8.8.8.8")}
)

type gen struct{ r *rand.Rand }

func (g gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

func (g gen) labels(max int) map[string]string {
	l := map[string]string{}
	for range g.r.IntN(max + 1) {
		l[g.pick(labelKeys)] = g.pick(labelValues)
	}
	return l
}

func (g gen) selector() *metav1.LabelSelector {
	s := &metav1.LabelSelector{}
	switch g.r.IntN(4) {
	case 0: // empty: everything
	case 1, 2:
		s.MatchLabels = g.labels(2)
	case 3:
		ops := []metav1.LabelSelectorOperator{metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn, metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist}
		op := ops[g.r.IntN(len(ops))]
		req := metav1.LabelSelectorRequirement{Key: g.pick(labelKeys), Operator: op}
		if op == metav1.LabelSelectorOpIn || op == metav1.LabelSelectorOpNotIn {
			req.Values = []string{g.pick(labelValues), g.pick(labelValues)}
		}
		s.MatchExpressions = []metav1.LabelSelectorRequirement{req}
	}
	return s
}

func (g gen) peer() networkingv1.NetworkPolicyPeer {
	switch g.r.IntN(4) {
	case 0:
		return networkingv1.NetworkPolicyPeer{PodSelector: g.selector()}
	case 1:
		return networkingv1.NetworkPolicyPeer{NamespaceSelector: g.selector()}
	case 2:
		return networkingv1.NetworkPolicyPeer{PodSelector: g.selector(), NamespaceSelector: g.selector()}
	}
	b := &networkingv1.IPBlock{CIDR: g.pick(cidrs)}
	for range g.r.IntN(2) {
		b.Except = append(b.Except, g.pick(excepts))
	}
	return networkingv1.NetworkPolicyPeer{IPBlock: b}
}

func (g gen) ports() []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for range g.r.IntN(3) {
		udpProto, tcpProto := corev1.ProtocolUDP, corev1.ProtocolTCP
		switch g.r.IntN(5) {
		case 0:
			p := intstr.FromInt32(80)
			out = append(out, networkingv1.NetworkPolicyPort{Port: &p})
		case 1:
			p := intstr.FromInt32(53)
			out = append(out, networkingv1.NetworkPolicyPort{Protocol: &udpProto, Port: &p})
		case 2:
			p := intstr.FromString("http")
			out = append(out, networkingv1.NetworkPolicyPort{Port: &p})
		case 3:
			p, end := intstr.FromInt32(8000), int32(8100)
			out = append(out, networkingv1.NetworkPolicyPort{Protocol: &tcpProto, Port: &p, EndPort: &end})
		case 4:
			out = append(out, networkingv1.NetworkPolicyPort{Protocol: &tcpProto})
		}
	}
	return out
}

func (g gen) ingressRule() networkingv1.NetworkPolicyIngressRule {
	r := networkingv1.NetworkPolicyIngressRule{Ports: g.ports()}
	for range g.r.IntN(3) {
		r.From = append(r.From, g.peer())
	}
	return r
}

func (g gen) egressRule() networkingv1.NetworkPolicyEgressRule {
	r := networkingv1.NetworkPolicyEgressRule{Ports: g.ports()}
	for range g.r.IntN(3) {
		r.To = append(r.To, g.peer())
	}
	return r
}

func (g gen) policy(i int) *networkingv1.NetworkPolicy {
	np := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("p%d", i), Namespace: g.pick(nsNames)}}
	np.Spec.PodSelector = *g.selector()
	switch g.r.IntN(4) {
	case 0:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	case 1:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	case 2:
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	}
	for range g.r.IntN(3) {
		np.Spec.Ingress = append(np.Spec.Ingress, g.ingressRule())
	}
	for range g.r.IntN(3) {
		np.Spec.Egress = append(np.Spec.Egress, g.egressRule())
	}
	return np
}

func (g gen) world() *world {
	w := &world{}
	for _, n := range nsNames {
		w.namespaces = append(w.namespaces, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: n, Labels: g.labels(2)}})
	}
	for i := range 8 {
		p := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("pod%d", i), Namespace: g.pick(nsNames), Labels: g.labels(3)}}
		c := corev1.Container{Name: "c"}
		if g.r.IntN(2) == 0 {
			c.Ports = []corev1.ContainerPort{{Name: "http", ContainerPort: []int32{80, 8080}[g.r.IntN(2)]}}
		}
		p.Spec.Containers = []corev1.Container{c}
		w.pods = append(w.pods, p)
	}
	for i := range 1 + g.r.IntN(6) {
		w.policies = append(w.policies, g.policy(i))
	}
	return w
}

func (w *world) model() *Model {
	var objs []*inventory.Object
	for _, n := range w.namespaces {
		objs = append(objs, inventory.NewObject(metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"}, &n.ObjectMeta, n, finding.Location{}, nil))
	}
	for _, p := range w.pods {
		objs = append(objs, inventory.NewObject(metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}, &p.ObjectMeta, p, finding.Location{}, nil))
	}
	for _, np := range w.policies {
		objs = append(objs, inventory.NewObject(metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"}, &np.ObjectMeta, np, finding.Location{}, nil))
	}
	return Build(inventory.New(objs), Options{})
}

// reach lists the answer to every probe: pod to pod, pod to address and
// address to pod, on every probe port, in a fixed order.
func reach(m *Model) []bool {
	var out []bool
	for _, src := range m.Pods {
		for _, port := range probePorts {
			for _, dst := range m.Pods {
				out = append(out, m.Allowed(Endpoint{Pod: src}, Endpoint{Pod: dst}, port))
			}
			for _, ip := range probeIPs {
				out = append(out, m.Allowed(Endpoint{Pod: src}, Endpoint{IP: ip}, port))
				out = append(out, m.Allowed(Endpoint{IP: ip}, Endpoint{Pod: src}, port))
			}
		}
	}
	return out
}

// subset reports a ⊆ b, with the first probe that breaks it.
func subset(a, b []bool) (bool, int) {
	for i := range a {
		if a[i] && !b[i] {
			return false, i
		}
	}
	return true, -1
}

func clone(w *world) *world {
	c := &world{namespaces: w.namespaces, pods: w.pods}
	for _, p := range w.policies {
		c.policies = append(c.policies, p.DeepCopy())
	}
	return c
}

func TestPropertyDenyAllNeverAddsReach(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(1, 2))}
	allowed, denied := 0, 0
	defer func() {
		// The generator must produce both answers, or the laws are vacuous.
		if allowed == 0 || denied < allowed/10 {
			t.Errorf("generated probes: %d allowed, %d denied", allowed, denied)
		}
	}()
	for round := range propertyRounds {
		w := g.world()
		before := reach(w.model())
		for _, ok := range before {
			if ok {
				allowed++
			} else {
				denied++
			}
		}
		w2 := clone(w)
		deny := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "deny", Namespace: g.pick(nsNames)}}
		deny.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
		if g.r.IntN(2) == 0 {
			deny.Spec.PodSelector = *g.selector() // deny for some pods only
		}
		w2.policies = append(w2.policies, deny)
		if ok, i := subset(reach(w2.model()), before); !ok {
			t.Fatalf("round %d: a deny-all policy in %s added reach (probe %d)", round, deny.Namespace, i)
		}
	}
}

func TestPropertyAllowRuleNeverRemovesReach(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(3, 4))}
	for round := range propertyRounds {
		w := g.world()
		before := reach(w.model())
		w2 := clone(w)
		p := w2.policies[g.r.IntN(len(w2.policies))]
		// Add a rule, or a peer to a rule, in a direction the policy
		// already isolates: it can only allow more.
		switch g.r.IntN(3) {
		case 0:
			p.Spec.Ingress = append(p.Spec.Ingress, g.ingressRule())
		case 1:
			p.Spec.Egress = append(p.Spec.Egress, g.egressRule())
			if len(p.Spec.PolicyTypes) == 0 && len(p.Spec.Egress) == 1 {
				// The first egress rule of a policy without policyTypes
				// makes it an egress policy: that isolates, so pin the
				// type it had.
				p.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
			}
		case 2:
			if len(p.Spec.Ingress) > 0 {
				r := &p.Spec.Ingress[g.r.IntN(len(p.Spec.Ingress))]
				if len(r.From) > 0 { // an empty From already allows all
					r.From = append(r.From, g.peer())
				}
			}
		}
		if ok, i := subset(before, reach(w2.model())); !ok {
			t.Fatalf("round %d: an allow rule on %s/%s removed reach (probe %d)", round, p.Namespace, p.Name, i)
		}
	}
}

func TestPropertyPolicyOrderDoesNotMatter(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(5, 6))}
	for round := range propertyRounds {
		w := g.world()
		before := reach(w.model())
		w2 := clone(w)
		g.r.Shuffle(len(w2.policies), func(i, j int) { w2.policies[i], w2.policies[j] = w2.policies[j], w2.policies[i] })
		after := reach(w2.model())
		if ok, i := subset(before, after); !ok {
			t.Fatalf("round %d: reordering policies changed probe %d", round, i)
		}
		if ok, i := subset(after, before); !ok {
			t.Fatalf("round %d: reordering policies changed probe %d", round, i)
		}
	}
}

func TestPropertyNoPolicyAllowsEverything(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(7, 8))}
	w := g.world()
	w.policies = nil
	for i, ok := range reach(w.model()) {
		if !ok {
			t.Fatalf("probe %d denied without any policy", i)
		}
	}
}

func TestPropertyAllowAllPolicyAllowsEverything(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(9, 10))}
	for round := range propertyRounds / 3 {
		w := g.world()
		for _, ns := range nsNames {
			allow := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "allow-all", Namespace: ns}}
			allow.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{}}
			allow.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{{}}
			w.policies = append(w.policies, allow)
		}
		for i, ok := range reach(w.model()) {
			if !ok {
				t.Fatalf("round %d: probe %d denied with allow-all in every namespace", round, i)
			}
		}
	}
}

// The verdicts must agree with Allowed and name a rule that exists.
func TestPropertyVerdictsAreConsistent(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(11, 12))}
	for round := range propertyRounds {
		m := g.world().model()
		for _, pod := range m.Pods {
			for _, port := range probePorts {
				for _, ip := range probeIPs {
					v := m.EgressAllows(pod, Endpoint{IP: ip}, port)
					if v.Allowed != m.Allowed(Endpoint{Pod: pod}, Endpoint{IP: ip}, port) {
						t.Fatalf("round %d: verdict and Allowed disagree", round)
					}
					if v.Allowed && v.Isolated {
						if v.By == nil || v.By.Rule >= len(v.By.Policy.Spec.Egress) || v.By.Peer >= len(v.By.Policy.Spec.Egress[v.By.Rule].To) {
							t.Fatalf("round %d: bad rule reference %+v", round, v.By)
						}
					}
					if !v.Isolated && !v.Allowed {
						t.Fatalf("round %d: a pod without egress policy is denied", round)
					}
				}
			}
		}
	}
}
