package network

import "testing"

func TestOpenIngress(t *testing.T) {
	runCases(t, "K8S-080", []tcase{
		{"no policy", []string{web},
			[]want{{"Deployment/shop/web", "spec.template.metadata.labels", []string{"no NetworkPolicy selects Deployment shop/web for ingress"}}}},
		{"egress-only policy", []string{web, policy("shop", "eg", "  podSelector: {}\n  policyTypes: [Egress]")},
			[]want{{"Deployment/shop/web", "spec.template.metadata.labels", nil}}},
		{"a policy for another app", []string{web, policy("shop", "api", "  podSelector: {matchLabels: {app: api}}")},
			[]want{{"Deployment/shop/web", "spec.template.metadata.labels", nil}}},
		{"default deny", []string{web, denyIn}, nil},
		{"selected by matchExpressions", []string{web, policy("shop", "x", "  podSelector: {matchExpressions: [{key: app, operator: In, values: [web, api]}]}")}, nil},
		{"an allow-all rule", []string{web, policy("shop", "open", "  podSelector: {matchLabels: {app: web}}\n  ingress: [{}]")},
			[]want{{"Deployment/shop/web", "spec.template.metadata.labels", []string{"NetworkPolicy shop/open spec.ingress[0] admits every source on every port to Deployment shop/web"}}}},
		{"every source on one port is deliberate", []string{web, policy("shop", "public", "  podSelector: {matchLabels: {app: web}}\n  ingress: [{ports: [{port: http}]}]")}, nil},
		{"hostNetwork pods are K8S-002's", []string{deployment("shop", "agent", "app: agent", "\n      hostNetwork: true")}, nil},
		{"system namespaces are the platform's", []string{deployment("kube-system", "dns", "app: dns", "")}, nil},
	})
}
