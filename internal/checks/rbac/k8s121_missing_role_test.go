package rbac

import "testing"

func TestMissingRole(t *testing.T) {
	runCases(t, "K8S-121", []tcase{
		{"a ClusterRole nobody defined", []string{crb("b", "monitoring-reader", devs)},
			[]want{{"ClusterRoleBinding/b", "roleRef.name", []string{"ClusterRoleBinding b references ClusterRole monitoring-reader, which is neither in the scanned objects nor a built-in role"}}}},
		{"a Role of another namespace", []string{role("other", "r", "[]"), rb("shop", "b", "Role", "r", devs)},
			[]want{{"RoleBinding/shop/b", "roleRef.name", []string{"references Role shop/r"}}}},
		{"built-in roles are known", []string{rb("shop", "b", "ClusterRole", "edit", devs), crb("c", "view", devs)}, nil},
		{"system roles are the platform's", []string{crb("b", "system:aks-service", devs)}, nil},
		{"the bootstrap Role of kube-system", []string{rb("kube-system", "auth-reader", "Role", "extension-apiserver-authentication-reader", saWeb)}, nil},
	})
}
