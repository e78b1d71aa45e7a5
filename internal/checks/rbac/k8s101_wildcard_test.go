package rbac

import "testing"

func TestWildcard(t *testing.T) {
	runCases(t, "K8S-101", []tcase{
		{"verbs on a resource", []string{clusterRole("cm", `[{apiGroups: [""], resources: [configmaps], verbs: ["*"]}]`), rb("shop", "b", "ClusterRole", "cm", devs)},
			[]want{{"RoleBinding/shop/b", "subjects[0]", []string{"Group devs is granted wildcard verbs or resources in namespace shop", "rules[0] (verbs=* resources=configmaps)"}}}},
		{"resources of a group, two rules", []string{clusterRole("x", `[{apiGroups: [apps], resources: ["*"], verbs: [get]}, {apiGroups: [batch], resources: ["*/status"], verbs: [get]}]`), crb("b", "x", devs)},
			[]want{{"ClusterRoleBinding/b", "subjects[0]", []string{"cluster-wide", "rules[0]", "(also rules[1] of ClusterRole x)"}}}},
		{"a full wildcard is K8S-100's", []string{clusterRole("god", `[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]`), crb("b", "god", devs)}, nil},
		{"a wildcard API group alone", []string{clusterRole("x", `[{apiGroups: ["*"], resources: [deployments], verbs: [get]}]`), crb("b", "x", devs)}, nil},
		{"unbound", []string{clusterRole("cm", `[{apiGroups: [""], resources: [configmaps], verbs: ["*"]}]`)}, nil},
	})
}
