package rbac

import "testing"

func TestImpersonate(t *testing.T) {
	runCases(t, "K8S-104", []tcase{
		{"users and groups cluster-wide", []string{clusterRole("imp", `[{apiGroups: [""], resources: [users, groups], verbs: [impersonate]}]`), crb("b", "imp", devs)},
			[]want{{"ClusterRoleBinding/b", "subjects[0]", []string{"Group devs can impersonate other identities cluster-wide", "ClusterRole imp rules[0]"}}}},
		{"system:masters by name", []string{clusterRole("imp", `[{apiGroups: [""], resources: [groups], verbs: [impersonate], resourceNames: ["system:masters"]}]`), crb("b", "imp", devs)},
			[]want{{"ClusterRoleBinding/b", "subjects[0]", nil}}},
		{"service accounts in a namespace", []string{rb("shop", "b", "ClusterRole", "edit", devs)},
			[]want{{"RoleBinding/shop/b", "subjects[0]", []string{"in namespace shop", "system:aggregate-to-edit rules[1] (verbs=impersonate resources=serviceaccounts)"}}}},
		{"users through a RoleBinding are not granted", []string{clusterRole("imp", `[{apiGroups: [""], resources: [users, groups], verbs: [impersonate]}]`), rb("shop", "b", "ClusterRole", "imp", devs)}, nil},
		{"another user by name is not reported", []string{clusterRole("imp", `[{apiGroups: [""], resources: [users], verbs: [impersonate], resourceNames: [bob]}]`), crb("b", "imp", devs)}, nil},
	})
}
