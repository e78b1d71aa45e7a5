package rbac

import "testing"

func TestNodesProxy(t *testing.T) {
	np := clusterRole("np", `[{apiGroups: [""], resources: [nodes, nodes/proxy], verbs: [get, list]}]`)
	runCases(t, "K8S-107", []tcase{
		{"get through a ClusterRoleBinding", []string{np, crb("b", "np", "[{kind: ServiceAccount, name: agent, namespace: mon}]")},
			[]want{{"ClusterRoleBinding/b", "subjects[0]", []string{"ServiceAccount mon/agent can reach every kubelet's API through nodes/proxy", "ClusterRole np rules[0]"}}}},
		{"a RoleBinding grants no node", []string{np, rb("mon", "b", "ClusterRole", "np", devs)}, nil},
		{"nodes/metrics is fine", []string{clusterRole("m", `[{apiGroups: [""], resources: [nodes/metrics], verbs: [get]}]`), crb("b", "m", devs)}, nil},
	})
}
