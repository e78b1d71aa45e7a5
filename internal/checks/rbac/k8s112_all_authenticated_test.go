package rbac

import "testing"

func TestAllAuthenticated(t *testing.T) {
	runCases(t, "K8S-112", []tcase{
		{"view for everyone", []string{crb("everyone", "view", "[{kind: Group, name: 'system:authenticated', apiGroup: rbac.authorization.k8s.io}]")},
			[]want{{"ClusterRoleBinding/everyone", "subjects[0]", []string{"Group system:authenticated (every authenticated user and ServiceAccount) is granted ClusterRole view cluster-wide"}}}},
		{"every ServiceAccount in a namespace", []string{rb("shop", "sas", "ClusterRole", "edit", "[{kind: Group, name: 'system:serviceaccounts'}]")},
			[]want{{"RoleBinding/shop/sas", "subjects[0]", []string{"every ServiceAccount of every namespace", "in namespace shop"}}}},
		{"discovery and self-review are fine", []string{
			crb("system:discovery", "system:discovery", "[{kind: Group, name: 'system:authenticated'}]"),
			crb("me", "system:basic-user", "[{kind: Group, name: 'system:authenticated'}]")}, nil},
		{"a namespace's own ServiceAccounts group is not everyone", []string{rb("shop", "b", "ClusterRole", "view", "[{kind: Group, name: 'system:serviceaccounts:shop'}]")}, nil},
		{"a role that is not known", []string{crb("x", "gone", "[{kind: Group, name: 'system:authenticated'}]")}, nil},
	})
}
