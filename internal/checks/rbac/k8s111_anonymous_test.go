package rbac

import "testing"

func TestAnonymous(t *testing.T) {
	runCases(t, "K8S-111", []tcase{
		{"view for anonymous", []string{crb("open", "view", "[{kind: User, name: 'system:anonymous'}]")},
			[]want{{"ClusterRoleBinding/open", "subjects[0]", []string{"User system:anonymous (every request without credentials) is granted ClusterRole view cluster-wide",
				"ClusterRoleBinding open → ClusterRole view → aggregated ClusterRole system:aggregate-to-view rules[0]", "and 11 more rules"}}}},
		{"a system-named binding is still judged", []string{crb("system:oops", "edit", "[{kind: Group, name: devs}, {kind: Group, name: 'system:unauthenticated'}]")},
			[]want{{"ClusterRoleBinding/system:oops", "subjects[1]", []string{"Group system:unauthenticated"}}}},
		{"health and version only (system:public-info-viewer)", []string{
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: 'system:public-info-viewer', labels: {kubernetes.io/bootstrapping: rbac-defaults}}\n" +
				"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: 'system:public-info-viewer'}\nsubjects: [{kind: Group, name: 'system:authenticated'}, {kind: Group, name: 'system:unauthenticated'}]"}, nil},
		{"cluster-scoped rules through a RoleBinding grant nothing", []string{
			clusterRole("nodes", `[{apiGroups: [""], resources: [nodes], verbs: [get]}]`), rb("shop", "b", "ClusterRole", "nodes", "[{kind: User, name: 'system:anonymous'}]")}, nil},
	})
}
