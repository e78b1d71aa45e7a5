package rbac

import "testing"

func TestPortForward(t *testing.T) {
	runCases(t, "K8S-115", []tcase{
		{"create pods/portforward", []string{role("shop", "r", `[{apiGroups: [""], resources: [pods/portforward], verbs: [create]}]`), rb("shop", "b", "Role", "r", devs)},
			[]want{{"RoleBinding/shop/b", "subjects[0]", []string{"Group devs can port-forward into pods in namespace shop", "Role shop/r rules[0]"}}}},
		{"services/proxy is not port-forward", []string{role("shop", "r", `[{apiGroups: [""], resources: [services/proxy], verbs: [get]}]`), rb("shop", "b", "Role", "r", devs)}, nil},
	})
}
