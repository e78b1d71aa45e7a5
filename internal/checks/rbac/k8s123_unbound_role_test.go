package rbac

import "testing"

func TestUnboundRole(t *testing.T) {
	debug := role("shop", "debug", `[{apiGroups: [""], resources: [pods], verbs: [get]}, {apiGroups: [""], resources: [pods/exec], verbs: [create]}, {apiGroups: [""], resources: [secrets], verbs: [list]}]`)
	runCases(t, "K8S-123", []tcase{
		{"a leftover debug Role", []string{debug},
			[]want{{"Role/shop/debug", "rules[1]", []string{"Role shop/debug is bound to nobody, but would let whoever is bound to it exec or attach into pods (rules[1]); read Secrets (rules[2])"}}}},
		{"bound", []string{debug, rb("shop", "b", "Role", "debug", devs)}, nil},
		{"bound, and defined twice (two overlays)", []string{debug, rb("shop", "b", "Role", "debug", devs), debug}, nil},
		{"bound through aggregation into a built-in role", []string{
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: crd-edit, labels: {rbac.authorization.k8s.io/aggregate-to-edit: 'true'}}\nrules: [{apiGroups: [example.com], resources: ['*'], verbs: ['*']}]"}, nil},
		{"harmless", []string{role("shop", "reader", `[{apiGroups: [""], resources: [pods], verbs: [get]}]`)}, nil},
		{"a ClusterRole's cluster-scoped rights count", []string{clusterRole("np", `[{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}]`)},
			[]want{{"ClusterRole/np", "rules[0]", []string{"reach the kubelet API through nodes/proxy"}}}},
		{"a Role's cluster-scoped rules grant nothing", []string{role("shop", "np", `[{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}]`)}, nil},
		{"a system: name is no exemption", []string{clusterRole("system:controller:x", `[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]`)},
			[]want{{"ClusterRole/system:controller:x", "rules[0]", []string{"full access"}}}},
		{"a bootstrap role as the API server writes it", []string{clusterRole("system:controller:clusterrole-aggregation-controller", `[{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, get, list, patch, update, watch]}]`)}, nil},
	})
}
