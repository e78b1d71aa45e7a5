package rbac

import "testing"

func TestSystemMasters(t *testing.T) {
	runCases(t, "K8S-113", []tcase{
		{"a custom binding", []string{crb("breakglass", "cluster-admin", "[{kind: User, name: alice}, {kind: Group, name: 'system:masters'}]")},
			[]want{{"ClusterRoleBinding/breakglass", "subjects[1]", []string{"ClusterRoleBinding breakglass binds ClusterRole cluster-admin to group system:masters"}}}},
		{"a system:-named binding is still judged", []string{crb("system:breakglass", "view", "[{kind: Group, name: 'system:masters'}]")},
			[]want{{"ClusterRoleBinding/system:breakglass", "subjects[0]", nil}}},
		{"the built-in binding", []string{
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: cluster-admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}\n" +
				"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: Group, name: 'system:masters'}]"}, nil},
	})
}
