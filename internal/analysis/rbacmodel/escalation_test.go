package rbacmodel

import (
	"strings"
	"testing"
)

const (
	adminSA = `apiVersion: v1
kind: ServiceAccount
metadata: {name: ci, namespace: ops}`
	adminBinding = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ci-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: ci, namespace: ops}]`
)

func workload(ns, name, sa string, automount bool) string {
	am := "false"
	if automount {
		am = "true"
	}
	return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + ", namespace: " + ns + "}\nspec:\n  template:\n    spec:\n      serviceAccountName: " + sa +
		"\n      automountServiceAccountToken: " + am + "\n      containers: [{name: c, image: c}]"
}

// steps renders a chain as "From→To" hops, "From⇒admin" for the last.
func steps(c Chain) string {
	var parts []string
	for _, s := range c {
		switch {
		case s.Admin:
			parts = append(parts, s.From.String()+" is admin")
		case s.To != nil:
			parts = append(parts, s.From.String()+" → "+s.To.String())
		default:
			parts = append(parts, s.From.String()+" ⇒ admin")
		}
	}
	return strings.Join(parts, "; ")
}

func TestEscalation(t *testing.T) {
	sa := func(ns, name string) string {
		return "[{kind: ServiceAccount, name: " + name + ", namespace: " + ns + "}]"
	}
	tests := []struct {
		name    string
		docs    []string
		subject Subject
		want    string
		action  string // substring of the first step
	}{
		{"cluster-admin itself", []string{adminBinding}, ServiceAccount("ops", "ci"),
			"ServiceAccount ops/ci is admin", ""},
		{"create pods where an admin account lives", []string{adminBinding,
			binding("RoleBinding", "ops", "dev-edit", "ClusterRole", "edit", sa("app", "web"))}, ServiceAccount("app", "web"),
			"ServiceAccount app/web → ServiceAccount ops/ci; ServiceAccount ops/ci is admin", "can create pods or pod controllers in namespace ops"},
		{"create pods elsewhere leads nowhere", []string{adminBinding,
			binding("RoleBinding", "app", "dev-edit", "ClusterRole", "edit", sa("app", "web"))}, ServiceAccount("app", "web"), "", ""},
		{"exec into a pod that mounts an admin token", []string{adminBinding, workload("ops", "deployer", "ci", true),
			clusterRole("exec", "", `[{apiGroups: [""], resources: [pods/exec], verbs: [create]}]`),
			binding("RoleBinding", "ops", "b", "ClusterRole", "exec", sa("app", "web"))}, ServiceAccount("app", "web"),
			"ServiceAccount app/web → ServiceAccount ops/ci; ServiceAccount ops/ci is admin", "can exec or attach into pods in namespace ops"},
		{"exec leads nowhere when the token is not mounted", []string{adminBinding, workload("ops", "deployer", "ci", false),
			clusterRole("exec", "", `[{apiGroups: [""], resources: [pods/exec], verbs: [create]}]`),
			binding("RoleBinding", "ops", "b", "ClusterRole", "exec", sa("app", "web"))}, ServiceAccount("app", "web"), "", ""},
		{"nodes/proxy reaches any pod", []string{adminBinding, workload("ops", "deployer", "ci", true),
			clusterRole("np", "", `[{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}]`),
			binding("ClusterRoleBinding", "", "b", "ClusterRole", "np", sa("mon", "agent"))}, ServiceAccount("mon", "agent"),
			"ServiceAccount mon/agent → ServiceAccount ops/ci; ServiceAccount ops/ci is admin", "kubelet API (nodes/proxy) cluster-wide"},
		{"read a named token Secret", []string{adminBinding,
			"apiVersion: v1\nkind: Secret\nmetadata: {name: ci-token, namespace: ops, annotations: {kubernetes.io/service-account.name: ci}}\ntype: kubernetes.io/service-account-token",
			role("ops", "r", `[{apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [ci-token]}]`),
			binding("RoleBinding", "ops", "b", "Role", "r", sa("app", "web"))}, ServiceAccount("app", "web"),
			"ServiceAccount app/web → ServiceAccount ops/ci; ServiceAccount ops/ci is admin", "Secret ops/ci-token holds its token"},
		{"impersonate system:masters", []string{
			clusterRole("imp", "", `[{apiGroups: [""], resources: [groups], verbs: [impersonate], resourceNames: ["system:masters"]}]`),
			binding("ClusterRoleBinding", "", "b", "ClusterRole", "imp", sa("app", "web"))}, ServiceAccount("app", "web"),
			"ServiceAccount app/web ⇒ admin", "can impersonate group system:masters"},
		{"impersonate groups through a RoleBinding is nothing", []string{
			clusterRole("imp", "", `[{apiGroups: [""], resources: [groups], verbs: [impersonate]}]`),
			binding("RoleBinding", "app", "b", "ClusterRole", "imp", sa("app", "web"))}, ServiceAccount("app", "web"), "", ""},
		{"bind cluster-admin cluster-wide", []string{
			clusterRole("binder", "", `[{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]},
  {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create]}]`),
			binding("ClusterRoleBinding", "", "b", "ClusterRole", "binder", sa("app", "web"))}, ServiceAccount("app", "web"),
			"ServiceAccount app/web ⇒ admin", "can bind ClusterRole cluster-admin"},
		{"a group gets there too", []string{adminBinding,
			binding("RoleBinding", "ops", "b", "ClusterRole", "edit", "[{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]")}, Group("devs"),
			"Group devs → ServiceAccount ops/ci; ServiceAccount ops/ci is admin", "in namespace ops"},
		{"two hops", []string{adminBinding, workload("ops", "deployer", "ci", true),
			// app/web can mint tokens in mid, where mid/robot can exec in ops.
			clusterRole("tok", "", `[{apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}]`),
			clusterRole("exec", "", `[{apiGroups: [""], resources: [pods/attach], verbs: [create]}]`),
			binding("RoleBinding", "mid", "b1", "ClusterRole", "tok", sa("app", "web")),
			binding("RoleBinding", "ops", "b2", "ClusterRole", "exec", sa("mid", "robot"))}, ServiceAccount("app", "web"),
			"ServiceAccount app/web → ServiceAccount mid/robot; ServiceAccount mid/robot → ServiceAccount ops/ci; ServiceAccount ops/ci is admin", "serviceaccounts/token"},
		{"cycles without an admin end nowhere", []string{
			binding("RoleBinding", "b", "ab", "ClusterRole", "edit", sa("a", "x")),
			binding("RoleBinding", "a", "ba", "ClusterRole", "edit", sa("b", "y"))}, ServiceAccount("a", "x"), "", ""},
		{"full access in a namespace runs as its accounts", []string{adminBinding,
			role("ops", "all", `[{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]`),
			binding("RoleBinding", "ops", "b", "Role", "all", sa("app", "web"))}, ServiceAccount("app", "web"),
			"ServiceAccount app/web → ServiceAccount ops/ci; ServiceAccount ops/ci is admin", "has full access in namespace ops"},
		{"a user given its groups", []string{adminBinding,
			binding("RoleBinding", "ops", "b", "ClusterRole", "edit", "[{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]")}, User("alice"),
			"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := load(t, append([]string{adminSA}, tt.docs...)...)
			c := m.Escalation(tt.subject)
			if got := steps(c); got != tt.want {
				t.Fatalf("chain %q, want %q\n%s", got, tt.want, c)
			}
			if tt.action != "" && !strings.Contains(c[0].String(), tt.action) {
				t.Errorf("first step %q does not say %q", c[0], tt.action)
			}
		})
	}
}

func TestEscalationWithExtraGroups(t *testing.T) {
	m := load(t, adminSA, adminBinding,
		binding("RoleBinding", "ops", "b", "ClusterRole", "edit", "[{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]"))
	c := m.Escalation(User("alice"), "devs")
	if got := steps(c); got != "User alice → ServiceAccount ops/ci; ServiceAccount ops/ci is admin" {
		t.Errorf("chain %q", got)
	}
	want := "(1) User alice can create pods or pod controllers in namespace ops and so acts as ServiceAccount ops/ci " +
		"[RoleBinding ops/b → ClusterRole edit → aggregated ClusterRole system:aggregate-to-edit rules[2] (verbs=create,delete,deletecollection,patch,update resources=pods,pods/attach,pods/exec,pods/portforward,pods/proxy)]; " +
		"(2) ServiceAccount ops/ci holds cluster-admin [ClusterRoleBinding ci-admin → ClusterRole cluster-admin rules[0] (verbs=* resources=* apiGroups=*)]"
	if c.String() != want {
		t.Errorf("chain text:\n%s\nwant\n%s", c, want)
	}
}
