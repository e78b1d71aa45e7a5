package rbac

import "testing"

func TestEscalateBind(t *testing.T) {
	runCases(t, "K8S-103", []tcase{
		{"bind and create rolebindings in one rule", []string{
			role("shop", "rm", `[{apiGroups: [rbac.authorization.k8s.io], resources: [roles, rolebindings], verbs: [create, bind]}]`), rb("shop", "b", "Role", "rm", devs)},
			[]want{{"RoleBinding/shop/b", "subjects[0]", []string{"Group devs can grant itself any right in namespace shop", "Role shop/rm rules[0]"}}}},
		{"bind here, write on bindings through another binding", []string{
			clusterRole("binder", `[{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [admin]}]`),
			clusterRole("writer", `[{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}]`),
			rb("shop", "b1", "ClusterRole", "binder", saWeb), rb("shop", "b2", "ClusterRole", "writer", saWeb)},
			[]want{{"RoleBinding/shop/b1", "subjects[0]", []string{"ClusterRole binder rules[0]", ", with RoleBinding shop/b2 → ClusterRole writer rules[0]"}}}},
		{"escalate with update on ClusterRoles", []string{
			clusterRole("esc", `[{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, update]}]`), crb("b", "esc", devs)},
			[]want{{"ClusterRoleBinding/b", "subjects[0]", []string{"cluster-wide"}}}},
		{"bind alone does nothing", []string{
			role("shop", "rm", `[{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [bind]}]`), rb("shop", "b", "Role", "rm", devs)}, nil},
		{"escalate on ClusterRoles through a RoleBinding does nothing", []string{
			clusterRole("esc", `[{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, update]}]`), rb("shop", "b", "ClusterRole", "esc", devs)}, nil},
		{"admin writes bindings without bind", []string{rb("shop", "b", "ClusterRole", "admin", devs)}, nil},
	})
}
