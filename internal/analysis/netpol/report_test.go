package netpol

import (
	"net/netip"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

const app = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, namespace: shop}
spec:
  template:
    metadata: {labels: {app: agent}}
    spec: {hostNetwork: true, containers: [{name: a, image: a}]}`

func TestIMDS(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		want   bool
		by     string // path of the allowing rule, "" when not isolated or denied
	}{
		{"no policy", "", true, ""},
		{"ingress-only policy", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}`, true, ""},
		{"default deny egress", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec: {podSelector: {}, policyTypes: [Egress]}`, false, ""},
		{"egress to everything", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec: {podSelector: {}, policyTypes: [Egress], egress: [{}]}`, true, "spec.egress[0]"},
		{"egress to 0.0.0.0/0 on any port", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}]}]`, true, "spec.egress[0].to[0]"},
		{"egress to 0.0.0.0/0 except IMDS", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}]}]`, false, ""},
		{"egress to 0.0.0.0/0 on 443 only", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 443}]}]`, false, ""},
		{"egress to link-local on all TCP", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {}}, {ipBlock: {cidr: 169.254.0.0/16}}], ports: [{protocol: TCP}]}]`, true, "spec.egress[0].to[1]"},
		{"egress to every pod in every namespace", `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress: [{to: [{namespaceSelector: {}}]}]`, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := []string{app}
			if tt.policy != "" {
				docs = append(docs, tt.policy)
			}
			m := load(t, docs...)
			r := m.Report(pod(t, m, "shop/web"))
			if r.IMDS.Allowed != tt.want {
				t.Fatalf("IMDS allowed = %v, want %v (%+v)", r.IMDS.Allowed, tt.want, r.IMDS)
			}
			by := ""
			if r.IMDS.By != nil {
				by = r.IMDS.By.Path().String()
			}
			if by != tt.by {
				t.Errorf("allowed by %q, want %q", by, tt.by)
			}
			// hostNetwork pods ignore policies.
			if !m.Report(pod(t, m, "shop/agent")).IMDS.Allowed {
				t.Error("hostNetwork pod denied IMDS")
			}
		})
	}
}

func TestAPIServerReach(t *testing.T) {
	tests := []struct {
		name   string
		egress string
		opt    Options
		want   Reach
	}{
		{"not isolated", "", Options{}, ReachYes},
		{"deny all", "egress: []", Options{}, ReachNo},
		{"DNS only", "egress: [{to: [{namespaceSelector: {}}], ports: [{port: 53, protocol: UDP}]}]", Options{}, ReachNo},
		{"internet on 443", "egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 443}]}]", Options{}, ReachYes},
		{"a range on 443: unknown address", "egress: [{to: [{ipBlock: {cidr: 20.0.0.0/8}}], ports: [{port: 443}]}]", Options{}, ReachMaybe},
		{"a range on 443, address known outside", "egress: [{to: [{ipBlock: {cidr: 20.0.0.0/8}}], ports: [{port: 443}]}]",
			Options{APIServer: []netip.Addr{netip.MustParseAddr("51.1.2.3")}}, ReachNo},
		{"a range on 443, address known inside", "egress: [{to: [{ipBlock: {cidr: 20.0.0.0/8}}], ports: [{port: 443}]}]",
			Options{APIServer: []netip.Addr{netip.MustParseAddr("20.1.2.3")}}, ReachYes},
		{"all destinations on 8443", "egress: [{ports: [{port: 8443}]}]", Options{}, ReachNo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := []string{app}
			if tt.egress != "" {
				docs = append(docs, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  `+tt.egress)
			}
			m := loadWith(t, tt.opt, docs...)
			if got := m.Report(pod(t, m, "shop/web")).APIServer; got != tt.want {
				t.Errorf("API server reach = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestNamespaceReport(t *testing.T) {
	ns := `
apiVersion: v1
kind: Namespace
metadata: {name: shop}`
	deny := `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}`
	dns := `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}], ports: [{port: 53, protocol: UDP}]}]`
	allowAllEgress := `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: open, namespace: shop}
spec: {podSelector: {}, policyTypes: [Egress], egress: [{}]}`
	webOnly := `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-deny, namespace: shop}
spec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress, Egress]}`
	tests := []struct {
		name                   string
		docs                   []string
		denyIn, denyEg         bool
		anchorKind, anchorPath string
	}{
		{"nothing", []string{ns, app}, false, false, "Namespace", "metadata.name"},
		{"default deny both", []string{ns, app, deny, dns}, true, true, "Namespace", "metadata.name"},
		{"allow-all egress undoes it", []string{ns, app, deny, allowAllEgress}, true, false, "Namespace", "metadata.name"},
		{"a pod-specific policy is not a default", []string{ns, app, webOnly}, false, false, "Namespace", "metadata.name"},
		{"no Namespace object: first policy", []string{app, webOnly, deny}, true, true, "NetworkPolicy", "spec.podSelector"},
		{"no Namespace, no policy: first pod policies apply to", []string{app}, false, false, "Deployment", "metadata.namespace"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := load(t, tt.docs...)
			r := m.NamespaceReport("shop")
			if r.DenyIngress != tt.denyIn || r.DenyEgress != tt.denyEg {
				t.Errorf("deny ingress %v egress %v, want %v %v", r.DenyIngress, r.DenyEgress, tt.denyIn, tt.denyEg)
			}
			if r.Anchor == nil || r.Anchor.Kind != tt.anchorKind || r.AnchorPath.String() != tt.anchorPath {
				t.Errorf("anchor %v %v, want %s %s", r.Anchor, r.AnchorPath, tt.anchorKind, tt.anchorPath)
			}
			if tt.anchorKind == "Deployment" && r.Anchor.Meta.Name != "web" {
				t.Errorf("anchored on %s, want the pod policies apply to", r.Anchor.Meta.Name)
			}
		})
	}
}

func TestDangling(t *testing.T) {
	m := load(t, app, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: typo, namespace: shop}
spec:
  podSelector: {matchLabels: {app: wbe}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
    - podSelector: {matchLabels: {app: nobody}}
    - namespaceSelector: {matchLabels: {team: x}}
      podSelector: {matchLabels: {app: elsewhere}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: fine, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: unknown-namespace, namespace: other}
spec: {podSelector: {matchLabels: {app: x}}}`)
	var got []string
	for _, p := range m.Policies {
		nothing, peers := m.Dangling(p)
		if nothing {
			got = append(got, p.Name)
		}
		for _, r := range peers {
			got = append(got, r.String())
		}
	}
	want := []string{"typo", "NetworkPolicy shop/typo spec.ingress[0].from[1]"}
	if !slices.Equal(got, want) {
		t.Errorf("dangling %q, want %q", got, want)
	}
}

// engineObject stands in for the AKS managed cluster `scan aks` will add.
type engineObject struct {
	engine  string
	blocked bool
}

func (e engineObject) NetworkPolicyEngine() string { return e.engine }
func (e engineObject) PodIMDSBlocked() bool        { return e.blocked }

func TestPlatformBlocksIMDS(t *testing.T) {
	objs := append(loadObjects(t, app), inventory.NewObject(metav1.TypeMeta{Kind: "ManagedCluster"}, nil, engineObject{engine: "azure", blocked: true}, finding.Location{}, nil))
	m := Build(inventory.New(objs), Options{})
	if m.Report(pod(t, m, "shop/web")).IMDS.Allowed || !m.Report(pod(t, m, "shop/agent")).IMDS.Allowed {
		t.Error("podLinkLocalAccess None must block pods but not hostNetwork pods")
	}
}

func TestEngineNoneEnforcesNothing(t *testing.T) {
	deny := `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}`
	for _, tt := range []struct {
		engine   string
		enforced bool
	}{{"", true}, {"azure", true}, {"cilium", true}, {"none", false}} {
		t.Run(tt.engine, func(t *testing.T) {
			p := loadObjects(t, app, deny)
			if tt.engine != "" {
				p = append(p, inventory.NewObject(metav1.TypeMeta{Kind: "ManagedCluster"}, nil, engineObject{engine: tt.engine}, finding.Location{Resource: "/subscriptions/s/aks"}, nil))
			}
			m := Build(inventory.New(p), Options{})
			if m.Enforced != tt.enforced || m.Engine != tt.engine {
				t.Fatalf("engine %q enforced %v", m.Engine, m.Enforced)
			}
			r := m.Report(pod(t, m, "shop/web"))
			if r.IngressIsolated == !tt.enforced || r.IMDS.Allowed == tt.enforced {
				t.Errorf("report %+v", r)
			}
			if nr := m.NamespaceReport("shop"); nr.DenyIngress != tt.enforced {
				t.Errorf("namespace deny %v", nr.DenyIngress)
			}
		})
	}
	// The option overrides the inventory.
	if m := loadWith(t, Options{Engine: "none"}, app, deny); m.Enforced {
		t.Error("Options.Engine none ignored")
	}
}

func loadObjects(t *testing.T, docs ...string) []*inventory.Object {
	t.Helper()
	m := load(t, docs...)
	var out []*inventory.Object
	for _, p := range m.Pods {
		out = append(out, p.Object)
	}
	for _, p := range m.Policies {
		out = append(out, p.Object)
	}
	return out
}

func TestOpenIngress(t *testing.T) {
	m := load(t, app, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: open, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {}}]
  - ports: [{port: 8080}]
  - {}`)
	r := m.Report(pod(t, m, "shop/web"))
	if !r.IngressIsolated || r.OpenIngress == nil || r.OpenIngress.Path().String() != "spec.ingress[2]" {
		t.Errorf("report %+v", r)
	}
	if !m.IngressAllows(pod(t, m, "shop/web"), Endpoint{IP: netip.MustParseAddr("203.0.113.1")}, Port{Protocol: corev1.ProtocolSCTP, Number: 9}).Allowed {
		t.Error("an empty rule must admit every protocol")
	}
}
