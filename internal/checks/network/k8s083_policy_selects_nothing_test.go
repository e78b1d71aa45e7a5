package network

import "testing"

func TestPolicySelectsNothing(t *testing.T) {
	runCases(t, "K8S-083", []tcase{
		{"a typo", []string{web, policy("shop", "typo", "  podSelector: {matchLabels: {app: wbe}}")},
			[]want{{"NetworkPolicy/shop/typo", "spec.podSelector", []string{"NetworkPolicy shop/typo selects none of the 1 workloads of its namespace"}}}},
		{"a peer that matches nobody", []string{web, policy("shop", "p", "  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}, {podSelector: {matchLabels: {app: front}}}]}]")},
			[]want{{"NetworkPolicy/shop/p", "spec.ingress[0].from[1].podSelector", []string{"NetworkPolicy shop/p spec.ingress[0].from[1] selects no pod of namespace shop"}}}},
		{"egress peers too", []string{web, policy("shop", "p", "  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]")},
			[]want{{"NetworkPolicy/shop/p", "spec.egress[0].to[0].podSelector", nil}}},
		{"empty selectors select all", []string{web, denyAll, policy("shop", "p", "  podSelector: {}\n  ingress: [{from: [{podSelector: {}}]}]")}, nil},
		{"peers in other namespaces are not judged", []string{web, policy("shop", "p", "  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: ingress-nginx}}}]}]")}, nil},
		{"a namespace whose pods are not scanned", []string{policy("shop", "p", "  podSelector: {matchLabels: {app: web}}")}, nil},
	})
}
