package rbac

import "testing"

func TestExecAttach(t *testing.T) {
	runCases(t, "K8S-105", []tcase{
		{"create pods/exec", []string{role("shop", "r", `[{apiGroups: [""], resources: [pods/exec], verbs: [create]}]`), rb("shop", "b", "Role", "r", saWeb)},
			[]want{{"RoleBinding/shop/b", "subjects[0]", []string{"ServiceAccount shop/web can exec or attach into pods in namespace shop", "Role shop/r rules[0]"}}}},
		{"get pods/attach (WebSocket)", []string{role("shop", "r", `[{apiGroups: [""], resources: [pods/attach], verbs: [get]}]`), rb("shop", "b", "Role", "r", saWeb)},
			[]want{{"RoleBinding/shop/b", "subjects[0]", nil}}},
		{"*/exec", []string{clusterRole("r", `[{apiGroups: [""], resources: ["*/exec"], verbs: [create]}]`), crb("b", "r", devs)},
			[]want{{"ClusterRoleBinding/b", "subjects[0]", []string{"cluster-wide"}}}},
		{"pods/* is literal", []string{role("shop", "r", `[{apiGroups: [""], resources: ["pods/*"], verbs: [create]}]`), rb("shop", "b", "Role", "r", saWeb)}, nil},
		{"logs are not exec", []string{role("shop", "r", `[{apiGroups: [""], resources: [pods, pods/log], verbs: [get]}]`), rb("shop", "b", "Role", "r", saWeb)}, nil},
	})
}
