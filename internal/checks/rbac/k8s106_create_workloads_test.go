package rbac

import "testing"

func TestCreateWorkloads(t *testing.T) {
	runCases(t, "K8S-106", []tcase{
		{"create deployments", []string{role("shop", "r", `[{apiGroups: [apps], resources: [deployments], verbs: [create]}]`), rb("shop", "b", "Role", "r", saWeb)},
			[]want{{"RoleBinding/shop/b", "subjects[0]", []string{"can create or change pods and pod controllers in namespace shop, and so run as any ServiceAccount there", "Role shop/r rules[0]"}}}},
		{"patch a CronJob", []string{role("shop", "r", `[{apiGroups: [batch], resources: [cronjobs], verbs: [patch]}]`), rb("shop", "b", "Role", "r", saWeb)},
			[]want{{"RoleBinding/shop/b", "subjects[0]", nil}}},
		{"create pods cluster-wide", []string{clusterRole("r", `[{apiGroups: [""], resources: [pods], verbs: [create]}]`), crb("b", "r", devs)},
			[]want{{"ClusterRoleBinding/b", "subjects[0]", []string{"cluster-wide"}}}},
		{"read and delete only", []string{role("shop", "r", `[{apiGroups: ["", apps], resources: [pods, deployments], verbs: [get, list, delete]}]`), rb("shop", "b", "Role", "r", saWeb)}, nil},
		{"patch running pods", []string{role("shop", "r", `[{apiGroups: [""], resources: [pods], verbs: [patch]}]`), rb("shop", "b", "Role", "r", saWeb)},
			[]want{{"RoleBinding/shop/b", "subjects[0]", []string{"can change the images of running pods in namespace shop, and so run code as their ServiceAccounts"}}}},
		{"scale only", []string{role("shop", "r", `[{apiGroups: [apps], resources: [deployments/scale], verbs: [patch]}]`), rb("shop", "b", "Role", "r", saWeb)}, nil},
	})
}
