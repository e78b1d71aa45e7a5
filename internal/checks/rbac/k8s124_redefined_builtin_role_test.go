package rbac

import "testing"

func TestRedefinedBuiltinRole(t *testing.T) {
	runCases(t, "K8S-124", []tcase{
		{"cluster-admin narrowed", []string{clusterRole("cluster-admin", `[{apiGroups: [""], resources: [pods], verbs: [get]}]`)},
			[]want{{"ClusterRole/cluster-admin", "", []string{"ClusterRole cluster-admin redefines the built-in role", "no rule for the built-in's verbs=* resources=* apiGroups=*"}}}},
		{"view widened", []string{clusterRole("view", `[{apiGroups: [""], resources: [secrets], verbs: [get, list]}]`)},
			[]want{{"ClusterRole/view", "", []string{"a different aggregationRule"}}}},
		{"a system: role granting more", []string{clusterRole("system:kube-scheduler", `[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]`)},
			[]want{{"ClusterRole/system:kube-scheduler", "", []string{"rules[0] (verbs=* resources=* apiGroups=*), which the built-in does not grant"}}}},
		{"the API server's own copy", []string{
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: cluster-admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}\n" +
				"rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}, {nonResourceURLs: ['*'], verbs: ['*']}]",
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: admin}\naggregationRule: {clusterRoleSelectors: [{matchLabels: {rbac.authorization.k8s.io/aggregate-to-admin: 'true'}}]}\nrules: [{apiGroups: [''], resources: [secrets], verbs: [get]}]",
			role("kube-system", "extension-apiserver-authentication-reader", `[{apiGroups: [""], resources: [configmaps], resourceNames: [extension-apiserver-authentication], verbs: [get, list, watch]}]`),
		}, nil},
		{"a role of its own name", []string{clusterRole("my-admin", `[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]`)}, nil},
	})
}
