package rbac

import "testing"

func TestTokenRequest(t *testing.T) {
	runCases(t, "K8S-108", []tcase{
		{"edit mints tokens", []string{rb("shop", "b", "ClusterRole", "edit", devs)},
			[]want{{"RoleBinding/shop/b", "subjects[0]", []string{"can request tokens for any ServiceAccount in namespace shop", "rules[5] (verbs=create resources=serviceaccounts/token)"}}}},
		{"named accounts only", []string{role("shop", "r", `[{apiGroups: [""], resources: [serviceaccounts/token], verbs: [create], resourceNames: [metrics]}]`), rb("shop", "b", "Role", "r", devs)}, nil},
		{"reading ServiceAccounts is not minting", []string{role("shop", "r", `[{apiGroups: [""], resources: [serviceaccounts], verbs: [get, create]}]`), rb("shop", "b", "Role", "r", devs)}, nil},
	})
}
