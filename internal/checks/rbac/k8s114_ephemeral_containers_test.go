package rbac

import "testing"

func TestEphemeralContainers(t *testing.T) {
	runCases(t, "K8S-114", []tcase{
		{"patch ephemeral containers", []string{role("shop", "dbg", `[{apiGroups: [""], resources: [pods/ephemeralcontainers], verbs: [patch]}]`), rb("shop", "b", "Role", "dbg", devs)},
			[]want{{"RoleBinding/shop/b", "subjects[0]", []string{"Group devs can add ephemeral containers to running pods in namespace shop", "Role shop/dbg rules[0]"}}}},
		{"edit does not include it", []string{rb("shop", "b", "ClusterRole", "edit", devs)}, nil},
	})
}
