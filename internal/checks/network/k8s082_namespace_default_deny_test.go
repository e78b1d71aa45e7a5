package network

import "testing"

func TestNamespaceDefaultDeny(t *testing.T) {
	dns := policy("shop", "dns", "  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}], ports: [{port: 53, protocol: UDP}]}]")
	runCases(t, "K8S-082", []tcase{
		{"no policy, on the Namespace", []string{namespace("shop"), web},
			[]want{{"Namespace/shop", "metadata.name", []string{"namespace shop has no default-deny NetworkPolicy for ingress (no policy with an empty podSelector isolates it) nor for egress"}}}},
		{"default deny both ways, DNS allowed", []string{namespace("shop"), web, denyAll, dns}, nil},
		{"ingress only", []string{namespace("shop"), web, denyIn},
			[]want{{"Namespace/shop", "metadata.name", []string{"for egress (no policy with an empty podSelector isolates it)"}}}},
		{"an allow-all egress undoes the default", []string{namespace("shop"), web, denyAll, allowAll},
			[]want{{"Namespace/shop", "metadata.name", []string{"for egress (NetworkPolicy shop/allow-all-egress spec.egress[0] admits all traffic to every pod)"}}}},
		{"no Namespace object: the first policy", []string{web, policy("shop", "web-only", "  podSelector: {matchLabels: {app: web}}"), denyIn},
			[]want{{"NetworkPolicy/shop/web-only", "spec.podSelector", []string{"for egress"}}}},
		{"no Namespace, no policy: the first workload policies apply to", []string{deployment("shop", "agent", "app: agent", "\n      hostNetwork: true"), web, deployment("shop", "api", "app: api", "")},
			[]want{{"Deployment/shop/web", "metadata.namespace", []string{"namespace shop has no default-deny"}}}},
		{"a Namespace with nothing in it yet", []string{namespace("empty")},
			[]want{{"Namespace/empty", "metadata.name", nil}}},
		{"manifests without a namespace", []string{"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {spec: {containers: [{name: c, image: c}]}}}"},
			[]want{{"Deployment/web", "metadata.namespace", []string{"namespace (unset)"}}}},
		{"system namespaces", []string{namespace("kube-system"), deployment("kube-system", "dns", "app: dns", "")}, nil},
	})
}
