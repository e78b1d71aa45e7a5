package netpol

import (
	"net/netip"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

// The cases below are the examples of the Kubernetes documentation
// (concepts/services-networking/network-policies), with the answers the
// documentation gives for them.

// cluster is the fixture the examples run against: pods in "default",
// "myproject" (labelled project=myproject), "otherproject", and namespaces
// labelled for the multi-namespace examples.
const cluster = `
apiVersion: v1
kind: Namespace
metadata: {name: default}
---
apiVersion: v1
kind: Namespace
metadata: {name: myproject, labels: {project: myproject, namespace: frontend}}
---
apiVersion: v1
kind: Namespace
metadata: {name: otherproject, labels: {project: other, namespace: backend}}
---
apiVersion: v1
kind: Namespace
metadata: {name: my-namespace}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: default, labels: {role: db, app: myapp}}
spec:
  containers:
  - name: redis
    image: redis
    ports: [{name: redis, containerPort: 6379}, {name: metrics, containerPort: 9121}, {name: dns, containerPort: 53, protocol: UDP}]
---
apiVersion: v1
kind: Pod
metadata: {name: frontend, namespace: default, labels: {role: frontend}}
spec: {containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: default, labels: {role: other}}
spec: {containers: [{name: x, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: myproject, labels: {role: client}}
spec: {containers: [{name: x, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: worker, namespace: myproject, labels: {role: worker}}
spec: {containers: [{name: x, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: otherproject, labels: {role: client}}
spec: {containers: [{name: x, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: my-namespace, labels: {app: api}}
spec: {containers: [{name: x, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: node-agent, namespace: default, labels: {role: db}}
spec: {hostNetwork: true, containers: [{name: x, image: x}]}
`

func load(t testing.TB, docs ...string) *Model {
	t.Helper()
	return loadWith(t, Options{}, docs...)
}

func loadWith(t testing.TB, opt Options, docs ...string) *Model {
	t.Helper()
	p := manifest.Parse("test.yaml", []byte(strings.Join(docs, "\n---\n")), manifest.DefaultLimits)
	if len(p.Errors) > 0 {
		t.Fatalf("fixture does not load: %v", p.Errors)
	}
	return Build(inventory.New(p.Objects), opt)
}

func pod(t testing.TB, m *Model, ref string) *Pod {
	t.Helper()
	ns, name, _ := strings.Cut(ref, "/")
	for _, p := range m.Pods {
		if p.Namespace == ns && p.Object.Meta.Name == name {
			return p
		}
	}
	t.Fatalf("no pod %s", ref)
	return nil
}

// endpoint reads "ns/name" as a pod and anything else as an address.
func endpoint(t testing.TB, m *Model, s string) Endpoint {
	t.Helper()
	if a, err := netip.ParseAddr(s); err == nil {
		return Endpoint{IP: a}
	}
	return Endpoint{Pod: pod(t, m, s)}
}

func tcp(n int32) Port { return Port{Protocol: corev1.ProtocolTCP, Number: n} }
func udp(n int32) Port { return Port{Protocol: corev1.ProtocolUDP, Number: n} }

type query struct {
	src, dst string
	port     Port
	want     bool
}

func TestDocumentationExamples(t *testing.T) {
	tests := []struct {
		name    string
		policy  string
		queries []query
	}{
		{
			name: "test-network-policy (the annotated example)",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: test-network-policy, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except: [172.17.1.0/24]
    - namespaceSelector:
        matchLabels: {project: myproject}
    - podSelector:
        matchLabels: {role: frontend}
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/24}
    ports:
    - protocol: TCP
      port: 5978`,
			queries: []query{
				{"default/frontend", "default/db", tcp(6379), true},
				{"default/frontend", "default/db", tcp(6380), false},
				{"default/frontend", "default/db", udp(6379), false},
				{"default/other", "default/db", tcp(6379), false},
				{"myproject/client", "default/db", tcp(6379), true},
				{"myproject/worker", "default/db", tcp(6379), true},
				{"otherproject/client", "default/db", tcp(6379), false},
				{"172.17.0.5", "default/db", tcp(6379), true},
				{"172.17.1.5", "default/db", tcp(6379), false},
				{"172.17.2.5", "default/db", tcp(6379), true},
				{"172.18.0.1", "default/db", tcp(6379), false},
				{"default/db", "10.0.0.5", tcp(5978), true},
				{"default/db", "10.0.1.5", tcp(5978), false},
				{"default/db", "10.0.0.5", tcp(80), false},
				{"default/db", "default/frontend", tcp(8080), false},
				{"default/db", "169.254.169.254", tcp(80), false},
				// Pods the policy does not select are not isolated.
				{"default/other", "default/frontend", tcp(8080), true},
				{"default/frontend", "8.8.8.8", udp(53), true},
				// hostNetwork pods are not subject to it.
				{"default/node-agent", "169.254.169.254", tcp(80), true},
			},
		},
		{
			name: "default deny all ingress traffic",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress]`,
			queries: []query{
				{"default/frontend", "default/db", tcp(6379), false},
				{"myproject/client", "default/db", tcp(6379), false},
				{"10.1.2.3", "default/frontend", tcp(8080), false},
				// Egress is untouched.
				{"default/db", "myproject/client", tcp(80), true},
				{"default/db", "169.254.169.254", tcp(80), true},
			},
		},
		{
			name: "allow all ingress traffic",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all-ingress, namespace: default}
spec:
  podSelector: {}
  ingress:
  - {}
  policyTypes: [Ingress]`,
			queries: []query{
				{"myproject/client", "default/db", tcp(6379), true},
				{"10.1.2.3", "default/db", udp(53), true},
			},
		},
		{
			name: "default deny all egress traffic",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-egress, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Egress]`,
			queries: []query{
				{"default/db", "default/frontend", tcp(8080), false},
				{"default/db", "169.254.169.254", tcp(80), false},
				{"default/frontend", "8.8.8.8", udp(53), false},
				// Ingress is untouched.
				{"myproject/client", "default/db", tcp(6379), true},
				{"10.1.2.3", "default/db", tcp(6379), true},
			},
		},
		{
			name: "allow all egress traffic",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all-egress, namespace: default}
spec:
  podSelector: {}
  egress:
  - {}
  policyTypes: [Egress]`,
			queries: []query{
				{"default/db", "169.254.169.254", tcp(80), true},
				{"default/db", "myproject/client", udp(53), true},
			},
		},
		{
			name: "default deny all ingress and all egress traffic",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-all, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]`,
			queries: []query{
				{"default/frontend", "default/db", tcp(6379), false},
				{"default/db", "10.0.0.1", tcp(443), false},
				{"myproject/client", "default/db", tcp(6379), false},
				// Other namespaces are not affected.
				{"myproject/client", "myproject/worker", tcp(80), true},
			},
		},
		{
			name: "targeting a range of ports",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: multi-port-egress, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/24}
    ports:
    - protocol: TCP
      port: 32000
      endPort: 32768`,
			queries: []query{
				{"default/db", "10.0.0.1", tcp(32000), true},
				{"default/db", "10.0.0.1", tcp(32500), true},
				{"default/db", "10.0.0.1", tcp(32768), true},
				{"default/db", "10.0.0.1", tcp(32769), false},
				{"default/db", "10.0.0.1", tcp(31999), false},
				{"default/db", "10.0.0.1", udp(32000), false},
			},
		},
		{
			name: "targeting multiple namespaces by label",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: egress-namespaces, namespace: default}
spec:
  podSelector:
    matchLabels: {app: myapp}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector:
        matchExpressions:
        - key: namespace
          operator: In
          values: ["frontend", "backend"]`,
			queries: []query{
				{"default/db", "myproject/client", tcp(80), true},
				{"default/db", "otherproject/client", tcp(80), true},
				{"default/db", "my-namespace/api", tcp(80), false},
				{"default/db", "default/frontend", tcp(8080), false},
				{"default/db", "10.0.0.1", tcp(80), false},
			},
		},
		{
			name: "targeting a namespace by its name",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: to-my-namespace, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  policyTypes: [Egress]
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: my-namespace`,
			queries: []query{
				{"default/db", "my-namespace/api", tcp(443), true},
				{"default/db", "myproject/client", tcp(443), false},
			},
		},
		{
			name: "namespaceSelector and podSelector in one element: AND",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: and, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels: {project: myproject}
      podSelector:
        matchLabels: {role: client}`,
			queries: []query{
				{"myproject/client", "default/db", tcp(6379), true},
				{"myproject/worker", "default/db", tcp(6379), false},
				{"otherproject/client", "default/db", tcp(6379), false},
				// podSelector here does not mean the policy's namespace.
				{"default/frontend", "default/db", tcp(6379), false},
			},
		},
		{
			name: "namespaceSelector and podSelector as two elements: OR",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: or, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels: {project: myproject}
    - podSelector:
        matchLabels: {role: client}`,
			queries: []query{
				{"myproject/client", "default/db", tcp(6379), true},
				{"myproject/worker", "default/db", tcp(6379), true},
				// The lone podSelector selects the policy's namespace only.
				{"otherproject/client", "default/db", tcp(6379), false},
				{"default/frontend", "default/db", tcp(6379), false},
			},
		},
		{
			name: "no policyTypes: Ingress, plus Egress because of egress rules",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: implicit, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  egress:
  - to:
    - podSelector:
        matchLabels: {role: frontend}`,
			queries: []query{
				{"default/frontend", "default/db", tcp(6379), false},
				{"default/db", "default/frontend", tcp(8080), true},
				{"default/db", "default/other", tcp(80), false},
			},
		},
		{
			name: "no policyTypes and no egress rules: ingress only",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: implicit-ingress, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}`,
			queries: []query{
				{"default/frontend", "default/db", tcp(6379), false},
				{"default/db", "169.254.169.254", tcp(80), true},
			},
		},
		{
			name: "named ports resolve on the destination pod",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: named, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  policyTypes: [Ingress, Egress]
  ingress:
  - ports: [{port: redis}]
  - ports: [{port: dns, protocol: UDP}]
  egress:
  - ports: [{port: http}]`,
			queries: []query{
				{"default/frontend", "default/db", tcp(6379), true},
				{"default/frontend", "default/db", tcp(9121), false},
				{"default/frontend", "default/db", udp(53), true},
				{"default/frontend", "default/db", tcp(53), false},
				// Egress: "http" is 8080 on frontend; an address has no names.
				{"default/db", "default/frontend", tcp(8080), true},
				{"default/db", "default/other", tcp(8080), false},
				{"default/db", "10.0.0.1", tcp(8080), false},
			},
		},
		{
			name: "policies add up; both ends must allow",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-frontend, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  ingress:
  - from: [{podSelector: {matchLabels: {role: frontend}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-other, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  ingress:
  - from: [{podSelector: {matchLabels: {role: other}}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: frontend-egress-deny, namespace: default}
spec:
  podSelector:
    matchLabels: {role: frontend}
  policyTypes: [Egress]`,
			queries: []query{
				{"default/other", "default/db", tcp(6379), true},
				// db allows frontend, but frontend may not send.
				{"default/frontend", "default/db", tcp(6379), false},
				{"myproject/client", "default/db", tcp(6379), false},
			},
		},
		{
			name: "ipBlock does not select pods; invalid selectors select nothing",
			policy: `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: odd, namespace: default}
spec:
  podSelector:
    matchLabels: {role: db}
  ingress:
  - from:
    - ipBlock: {cidr: 0.0.0.0/0}
    - podSelector:
        matchExpressions: [{key: role, operator: Bogus, values: [frontend]}]`,
			queries: []query{
				{"default/frontend", "default/db", tcp(6379), false},
				{"203.0.113.9", "default/db", tcp(6379), true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := load(t, cluster, tt.policy)
			for _, q := range tt.queries {
				got := m.Allowed(endpoint(t, m, q.src), endpoint(t, m, q.dst), q.port)
				if got != q.want {
					t.Errorf("%s → %s %s: allowed=%v, want %v", q.src, q.dst, q.port, got, q.want)
				}
			}
		})
	}
}

func TestVerdictNamesTheRule(t *testing.T) {
	m := load(t, cluster, `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {role: frontend}}}]
  - to:
    - ipBlock: {cidr: 10.0.0.0/8}
    - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}`)
	v := m.EgressAllows(pod(t, m, "default/db"), Endpoint{IP: IMDS}, IMDSPort)
	if !v.Allowed || !v.Isolated || v.By == nil || v.By.Path().String() != "spec.egress[1].to[1]" {
		t.Fatalf("verdict %+v", v)
	}
	if got := v.By.String(); got != "NetworkPolicy default/p spec.egress[1].to[1]" {
		t.Errorf("rule %q", got)
	}
}
