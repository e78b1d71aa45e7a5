package rbac

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestClusterAdmin(t *testing.T) {
	runCases(t, "K8S-100", []tcase{
		{"cluster-admin by name", []string{crb("ci", "cluster-admin", saWeb)},
			[]want{{"ClusterRoleBinding/ci", "subjects[0]", []string{"ServiceAccount shop/web is cluster-admin", "ClusterRoleBinding ci → ClusterRole cluster-admin rules[0] (verbs=* resources=* apiGroups=*)"}}}},
		{"an equivalent custom role", []string{clusterRole("god", `[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]`), crb("g", "god", devs)},
			[]want{{"ClusterRoleBinding/g", "subjects[0]", []string{"Group devs is cluster-admin", "ClusterRole god rules[0]"}}}},
		{"cluster-admin in a namespace", []string{rb("shop", "owners", "ClusterRole", "cluster-admin", "[{kind: User, name: alice}, {kind: Group, name: devs}]")},
			[]want{
				{"RoleBinding/shop/owners", "subjects[0]", []string{"User alice has full access in namespace shop"}},
				{"RoleBinding/shop/owners", "subjects[1]", []string{"Group devs has full access in namespace shop"}},
			}},
		{"the built-in binding is the platform's", []string{
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: cluster-admin, labels: {kubernetes.io/bootstrapping: rbac-defaults}}\n" +
				"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: Group, name: 'system:masters'}]"}, nil},
		// A name, or a label, is no credential: only the bootstrap
		// policy's objects with its content are the platform's.
		{"a system: name the bootstrap policy does not have", []string{
			crb("system:test", "cluster-admin", "[{kind: User, name: mallory}]"),
			"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: 'system:controller:x', labels: {kubernetes.io/bootstrapping: rbac-defaults, addonmanager.kubernetes.io/mode: Reconcile}}\n" +
				"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: " + saWeb},
			[]want{
				{"ClusterRoleBinding/system:test", "subjects[0]", []string{"User mallory is cluster-admin"}},
				{"ClusterRoleBinding/system:controller:x", "subjects[0]", []string{"ServiceAccount shop/web is cluster-admin"}},
			}},
		{"a bootstrap name with another subject", []string{
			crb("cluster-admin", "cluster-admin", "[{kind: Group, name: 'system:masters'}, {kind: User, name: mallory}]")},
			[]want{
				{"ClusterRoleBinding/cluster-admin", "subjects[0]", []string{"Group system:masters is cluster-admin"}},
				{"ClusterRoleBinding/cluster-admin", "subjects[1]", []string{"User mallory is cluster-admin"}},
			}},
		{"a bootstrap name bound to another role", []string{
			clusterRole("god", `[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]`),
			crb("system:kube-scheduler", "god", "[{kind: User, name: 'system:kube-scheduler'}]")},
			[]want{{"ClusterRoleBinding/system:kube-scheduler", "subjects[0]", []string{"User system:kube-scheduler is cluster-admin"}}}},
		{"a bootstrap binding to a redefined role is not the platform's grant", []string{
			clusterRole("system:basic-user", `[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]`),
			crb("system:basic-user", "system:basic-user", "[{kind: Group, name: 'system:authenticated', apiGroup: rbac.authorization.k8s.io}]")},
			[]want{{"ClusterRoleBinding/system:basic-user", "subjects[0]", []string{"Group system:authenticated is cluster-admin"}}}},
		{"a redefined cluster-admin still grants cluster-admin", []string{
			clusterRole("cluster-admin", `[{apiGroups: [""], resources: [pods], verbs: [get]}]`), crb("ci", "cluster-admin", devs)},
			[]want{{"ClusterRoleBinding/ci", "subjects[0]", []string{"Group devs is cluster-admin", "ClusterRoleBinding ci → ClusterRole cluster-admin (built-in) rules[0] (verbs=* resources=* apiGroups=*)"}}}},
		{"wildcard verbs on some resources is not full access", []string{clusterRole("apps", `[{apiGroups: ["*"], resources: [deployments], verbs: ["*"]}]`), crb("a", "apps", devs)}, nil},
		{"a named rule is not full access", []string{clusterRole("one", `[{apiGroups: ["*"], resources: ["*"], verbs: ["*"], resourceNames: [x]}]`), crb("a", "one", devs)}, nil},
		{"an unbound cluster-admin-like role is not judged here", []string{clusterRole("god", `[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]`)}, nil},
	})
}

func TestClusterAdminLocation(t *testing.T) {
	fs := checktest.Run(t, "K8S-100", crb("ci", "cluster-admin", "\n- kind: ServiceAccount\n  name: ci\n  namespace: ops\n"), nil)
	if len(fs) != 1 || fs[0].Location.String() != "test.yaml:6:3" || fs[0].Evidence != "verbs=* resources=* apiGroups=*" {
		t.Fatalf("findings %+v", fs)
	}
}
