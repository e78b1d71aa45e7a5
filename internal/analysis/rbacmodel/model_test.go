package rbacmodel

import (
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

func load(t testing.TB, docs ...string) *Model {
	t.Helper()
	p := manifest.Parse("test.yaml", []byte(strings.Join(docs, "\n---\n")), manifest.DefaultLimits)
	if len(p.Errors) > 0 {
		t.Fatalf("fixture does not load: %v", p.Errors)
	}
	return Build(inventory.New(p.Objects))
}

func binding(kind, ns, name, roleKind, role, subjects string) string {
	meta := "{name: " + name + "}"
	if ns != "" {
		meta = "{name: " + name + ", namespace: " + ns + "}"
	}
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: " + kind + "\nmetadata: " + meta +
		"\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: " + roleKind + ", name: " + role + "}\nsubjects: " + subjects
}

func clusterRole(name, labels, rules string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: " + name + ", labels: {" + labels + "}}\nrules: " + rules
}

func role(ns, name, rules string) string {
	return "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: " + name + ", namespace: " + ns + "}\nrules: " + rules
}

const secretsReader = `[{apiGroups: [""], resources: [secrets], verbs: [get]}]`

// paths lists the grants' paths.
func paths(gs []Grant) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Path())
	}
	return out
}

func TestSubjectsMatchLikeTheAuthorizer(t *testing.T) {
	m := load(t,
		clusterRole("reader", "", secretsReader),
		binding("RoleBinding", "shop", "direct", "ClusterRole", "reader", "[{kind: ServiceAccount, name: web, namespace: shop}]"),
		binding("RoleBinding", "shop", "no-namespace", "ClusterRole", "reader", "[{kind: ServiceAccount, name: web}]"),
		binding("RoleBinding", "shop", "as-user", "ClusterRole", "reader", "[{kind: User, name: 'system:serviceaccount:shop:web', apiGroup: rbac.authorization.k8s.io}]"),
		binding("RoleBinding", "shop", "ns-group", "ClusterRole", "reader", "[{kind: Group, name: 'system:serviceaccounts:shop', apiGroup: rbac.authorization.k8s.io}]"),
		binding("RoleBinding", "shop", "all-sas", "ClusterRole", "reader", "[{kind: Group, name: 'system:serviceaccounts', apiGroup: rbac.authorization.k8s.io}]"),
		binding("ClusterRoleBinding", "", "everyone", "ClusterRole", "reader", "[{kind: Group, name: 'system:authenticated', apiGroup: rbac.authorization.k8s.io}]"),
		binding("RoleBinding", "shop", "other-ns-sa", "ClusterRole", "reader", "[{kind: ServiceAccount, name: web, namespace: other}]"),
		binding("RoleBinding", "shop", "other-ns-group", "ClusterRole", "reader", "[{kind: Group, name: 'system:serviceaccounts:other', apiGroup: rbac.authorization.k8s.io}]"),
		binding("RoleBinding", "shop", "a-user", "ClusterRole", "reader", "[{kind: User, name: web, apiGroup: rbac.authorization.k8s.io}]"),
	)
	var got []string
	for _, g := range m.Grants(ServiceAccount("shop", "web")) {
		got = append(got, g.Binding.Name)
	}
	want := []string{"direct", "no-namespace", "as-user", "ns-group", "all-sas", "everyone"}
	if !slices.Equal(got, want) {
		t.Errorf("bindings for shop/web: %v, want %v", got, want)
	}
	// A user only gets system:authenticated (plus groups given).
	got = nil
	for _, g := range m.Grants(User("web"), "system:serviceaccounts:other") {
		got = append(got, g.Binding.Name)
	}
	if want := []string{"everyone", "other-ns-group", "a-user"}; !slices.Equal(got, want) {
		t.Errorf("bindings for user web: %v, want %v", got, want)
	}
	if len(m.Grants(User(UserAnonymous))) != 0 {
		t.Error("system:anonymous is not system:authenticated")
	}
}

func TestScopes(t *testing.T) {
	m := load(t,
		clusterRole("node-reader", "", `[{apiGroups: [""], resources: [nodes/proxy, pods/exec], verbs: [get, create]}]`),
		role("shop", "local", `[{apiGroups: [""], resources: [secrets], verbs: [list]}]`),
		binding("RoleBinding", "shop", "rb", "ClusterRole", "node-reader", "[{kind: ServiceAccount, name: a, namespace: shop}]"),
		binding("ClusterRoleBinding", "", "crb", "ClusterRole", "node-reader", "[{kind: ServiceAccount, name: b, namespace: shop}]"),
		// A RoleBinding only resolves a Role of its own namespace.
		binding("RoleBinding", "other", "cross", "Role", "local", "[{kind: ServiceAccount, name: a, namespace: shop}]"),
		binding("RoleBinding", "shop", "local", "Role", "local", "[{kind: ServiceAccount, name: a, namespace: shop}]"),
	)
	a := m.Grants(ServiceAccount("shop", "a"))
	if len(a) != 2 || a[0].Caps()&CapNodeProxy != 0 || a[0].Caps()&CapExec == 0 || a[1].Caps()&CapReadSecrets == 0 {
		t.Errorf("RoleBinding grants: %v", paths(a))
	}
	if b := m.Grants(ServiceAccount("shop", "b")); len(b) != 1 || b[0].Caps()&CapNodeProxy == 0 || !b[0].Scope().Cluster {
		t.Errorf("ClusterRoleBinding grants: %v", paths(b))
	}
	cross, _ := m.BindingOf(m.Bindings[2].Object)
	if cross.Role != nil || cross.RoleRefString() != "Role other/local" {
		t.Errorf("cross-namespace Role resolved: %v", cross.RoleRefString())
	}
	if rs := m.Risks(m.Bindings[0], 0); len(rs) != 1 || rs[0].Risk != RiskExec {
		t.Errorf("RoleBinding risks: %+v", rs)
	}
}

func TestAggregation(t *testing.T) {
	m := load(t,
		clusterRole("crd-viewer", "rbac.authorization.k8s.io/aggregate-to-view: 'true'", `[{apiGroups: [example.com], resources: [widgets], verbs: [get]}]`),
		clusterRole("crd-secrets", "rbac.authorization.k8s.io/aggregate-to-edit: 'true'", secretsReader),
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: monitoring}\naggregationRule:\n  clusterRoleSelectors: [{matchLabels: {team: mon}}]",
		clusterRole("mon-a", "team: mon", `[{apiGroups: [""], resources: [pods], verbs: [list]}]`),
		clusterRole("mon-b", "team: mon", `[{apiGroups: [""], resources: [pods/exec], verbs: [create]}]`),
		binding("RoleBinding", "shop", "viewers", "ClusterRole", "view", "[{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]"),
		binding("RoleBinding", "shop", "admins", "ClusterRole", "admin", "[{kind: Group, name: admins, apiGroup: rbac.authorization.k8s.io}]"),
		binding("ClusterRoleBinding", "", "mon", "ClusterRole", "monitoring", "[{kind: Group, name: mon, apiGroup: rbac.authorization.k8s.io}]"),
	)
	view, _ := m.Role("ClusterRole", "", "view")
	var from []string
	for _, rr := range view.Effective() {
		if !slices.Contains(from, rr.Role.Name) {
			from = append(from, rr.Role.Name)
		}
	}
	if want := []string{"crd-viewer", "system:aggregate-to-view"}; !slices.Equal(from, want) {
		t.Errorf("view aggregates %v, want %v", from, want)
	}
	// admin ⊇ edit ⊇ view: the custom roles reach admin transitively.
	var adminSecrets []string
	for _, g := range m.Grants(Group("admins")) {
		if g.Caps()&CapReadSecrets != 0 {
			adminSecrets = append(adminSecrets, g.Path())
		}
	}
	if len(adminSecrets) != 2 || !strings.Contains(adminSecrets[0], "→ aggregated ClusterRole crd-secrets rules[0]") {
		t.Errorf("admin's secret grants: %v", adminSecrets)
	}
	if len(m.Grants(Group("mon"))) != 2 {
		t.Errorf("custom aggregation: %v", paths(m.Grants(Group("mon"))))
	}
	crd, _ := m.Role("ClusterRole", "", "crd-viewer")
	if len(crd.BoundBy()) != 0 || len(crd.AggregatedInto()) != 1 {
		t.Errorf("crd-viewer bound by %v, aggregated into %v", crd.BoundBy(), crd.AggregatedInto())
	}
}

// A live cluster's aggregated role already holds the aggregated rules:
// they are not doubled and keep the source's provenance.
func TestAggregationOfLiveRoles(t *testing.T) {
	m := load(t,
		clusterRole("src", "agg: 'true'", secretsReader),
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: dst}\naggregationRule:\n  clusterRoleSelectors: [{matchLabels: {agg: 'true'}}]\nrules: "+secretsReader,
	)
	dst, _ := m.Role("ClusterRole", "", "dst")
	if len(dst.Effective()) != 1 || dst.Effective()[0].Role.Name != "src" {
		t.Errorf("dst effective rules: %+v", dst.Effective())
	}
}

// An empty selector aggregates every other ClusterRole, as the
// controller's lister does with labels.Everything().
func TestAggregationEmptySelector(t *testing.T) {
	m := load(t, "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: all}\naggregationRule:\n  clusterRoleSelectors: [{}]",
		binding("ClusterRoleBinding", "", "b", "ClusterRole", "all", "[{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]"))
	if rs := m.Risks(m.Bindings[0], 0); len(rs) == 0 || rs[0].Risk != RiskFullAccess {
		t.Errorf("risks %v", riskNames(rs))
	}
}

func TestMissingRole(t *testing.T) {
	m := load(t, binding("RoleBinding", "shop", "dangling", "ClusterRole", "gone", "[{kind: ServiceAccount, name: web, namespace: shop}]"))
	a := m.Access(ServiceAccount("shop", "web"))
	if len(a.Missing) != 1 || a.Missing[0].Name != "dangling" || len(a.Scopes) != 0 {
		t.Errorf("access %+v", a)
	}
}

func riskNames(rs []RiskGrant) []Risk {
	var out []Risk
	for _, r := range rs {
		out = append(out, r.Risk)
	}
	return out
}

func TestRisks(t *testing.T) {
	sa := "[{kind: ServiceAccount, name: x, namespace: shop}]"
	tests := []struct {
		name string
		docs []string
		want []Risk
	}{
		{"cluster-admin only as full access", []string{binding("ClusterRoleBinding", "", "b", "ClusterRole", "cluster-admin", sa)}, []Risk{RiskFullAccess}},
		{"edit in a namespace", []string{binding("RoleBinding", "shop", "b", "ClusterRole", "edit", sa)},
			[]Risk{RiskReadSecrets, RiskImpersonate, RiskExec, RiskWorkloads, RiskMintTokens, RiskPortForward}},
		{"view is harmless", []string{binding("RoleBinding", "shop", "b", "ClusterRole", "view", sa)}, nil},
		// admin writes roles and bindings but holds neither bind nor
		// escalate: it can only hand out what it has.
		{"admin in a namespace", []string{binding("RoleBinding", "shop", "b", "ClusterRole", "admin", sa)},
			[]Risk{RiskReadSecrets, RiskImpersonate, RiskExec, RiskWorkloads, RiskMintTokens, RiskPortForward}},
		{"bind without write on bindings is nothing", []string{
			role("shop", "r", `[{apiGroups: [rbac.authorization.k8s.io], resources: [roles, clusterroles], verbs: [bind]}]`),
			binding("RoleBinding", "shop", "b", "Role", "r", sa)}, nil},
		{"bind with write on bindings from another binding", []string{
			role("shop", "r", `[{apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [cluster-admin]}]`),
			role("shop", "w", `[{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}]`),
			binding("RoleBinding", "shop", "b", "Role", "r", sa),
			binding("RoleBinding", "shop", "w", "Role", "w", sa)}, []Risk{RiskEscalate}},
		{"escalate with update on roles", []string{
			role("shop", "r", `[{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate, update]}]`),
			binding("RoleBinding", "shop", "b", "Role", "r", sa)}, []Risk{RiskEscalate}},
		{"wildcard resources in a group", []string{
			clusterRole("apps-admin", "", `[{apiGroups: [apps], resources: ["*"], verbs: ["*"]}]`),
			binding("ClusterRoleBinding", "", "b", "ClusterRole", "apps-admin", sa)}, []Risk{RiskWildcard, RiskWorkloads}},
		{"nodes/proxy get through a ClusterRoleBinding", []string{
			clusterRole("np", "", `[{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}]`),
			binding("ClusterRoleBinding", "", "b", "ClusterRole", "np", sa)}, []Risk{RiskNodeProxy}},
		{"CSR approval without a signer is nothing", []string{
			clusterRole("csr", "", `[{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]}]`),
			binding("ClusterRoleBinding", "", "b", "ClusterRole", "csr", sa)}, nil},
		{"CSR approval with the client signer", []string{
			clusterRole("csr", "", `[{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]},
  {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve], resourceNames: ["kubernetes.io/*"]}]`),
			binding("ClusterRoleBinding", "", "b", "ClusterRole", "csr", sa)}, []Risk{RiskApproveCSR}},
		{"CSR approval for kubelet serving only", []string{
			clusterRole("csr", "", `[{apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update]},
  {apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve], resourceNames: ["kubernetes.io/kubelet-serving"]}]`),
			binding("ClusterRoleBinding", "", "b", "ClusterRole", "csr", sa)}, nil},
		{"webhooks, ephemeral containers, token requests", []string{
			clusterRole("x", "", `[{apiGroups: [admissionregistration.k8s.io], resources: [validatingwebhookconfigurations], verbs: [delete]},
  {apiGroups: [""], resources: [pods/ephemeralcontainers], verbs: [patch]},
  {apiGroups: [""], resources: [serviceaccounts/token], verbs: [create]}]`),
			binding("ClusterRoleBinding", "", "b", "ClusterRole", "x", sa)}, []Risk{RiskMintTokens, RiskAdmission, RiskEphemeral}},
		{"named secrets are not 'read Secrets'", []string{
			role("shop", "r", `[{apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [tls]}]`),
			binding("RoleBinding", "shop", "b", "Role", "r", sa)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := load(t, tt.docs...)
			var b *Binding
			for _, x := range m.Bindings {
				if x.Name == "b" {
					b = x
				}
			}
			if got := riskNames(m.Risks(b, 0)); !slices.Equal(got, tt.want) {
				t.Errorf("risks %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRiskCompanionNamesTheOtherBinding(t *testing.T) {
	sa := "[{kind: ServiceAccount, name: x, namespace: shop}]"
	m := load(t,
		role("shop", "r", `[{apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [bind]}]`),
		role("shop", "w", `[{apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}]`),
		binding("RoleBinding", "shop", "b", "Role", "r", sa),
		binding("RoleBinding", "shop", "w", "Role", "w", sa))
	rs := m.Risks(m.Bindings[0], 0)
	if len(rs) != 1 || rs[0].Companion == nil || rs[0].Companion.Binding.Name != "w" {
		t.Fatalf("risks %+v", rs)
	}
}
