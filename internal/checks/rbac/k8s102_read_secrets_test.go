package rbac

import "testing"

func TestReadSecrets(t *testing.T) {
	runCases(t, "K8S-102", []tcase{
		{"edit through a RoleBinding", []string{rb("shop", "dev", "ClusterRole", "edit", saWeb)},
			[]want{{"RoleBinding/shop/dev", "subjects[0]", []string{"ServiceAccount shop/web can read Secrets in namespace shop",
				"RoleBinding shop/dev → ClusterRole edit → aggregated ClusterRole system:aggregate-to-edit rules[0]"}}}},
		{"list is reading", []string{role("shop", "r", `[{apiGroups: [""], resources: [secrets], verbs: [list]}]`), rb("shop", "b", "Role", "r", devs)},
			[]want{{"RoleBinding/shop/b", "subjects[0]", []string{"Role shop/r rules[0] (verbs=list resources=secrets)"}}}},
		{"cluster-wide", []string{clusterRole("r", `[{apiGroups: [""], resources: [secrets], verbs: [watch]}]`), crb("b", "r", devs)},
			[]want{{"ClusterRoleBinding/b", "subjects[0]", []string{"can read Secrets cluster-wide"}}}},
		{"named Secrets only", []string{role("shop", "r", `[{apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [tls]}]`), rb("shop", "b", "Role", "r", devs)}, nil},
		{"view does not read Secrets", []string{rb("shop", "b", "ClusterRole", "view", devs)}, nil},
		{"create is not read", []string{role("shop", "r", `[{apiGroups: [""], resources: [secrets], verbs: [create]}]`), rb("shop", "b", "Role", "r", devs)}, nil},
		{"a Role the RoleBinding cannot reach", []string{role("other", "r", `[{apiGroups: [""], resources: [secrets], verbs: [get]}]`), rb("shop", "b", "Role", "r", devs)}, nil},
	})
}
