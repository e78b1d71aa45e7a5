package rbacmodel

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

// The bootstrap policy itself, read as a manifest, is entirely the
// platform's: every role and binding in it is recognised by content, and
// none of its roles counts as a redefinition.
func TestBootstrapPolicyIsBootstrap(t *testing.T) {
	files, err := bootstrapFS.ReadDir("bootstrappolicy")
	if err != nil {
		t.Fatal(err)
	}
	roles, bindings := 0, 0
	for _, f := range files {
		data, _ := bootstrapFS.ReadFile("bootstrappolicy/" + f.Name())
		p := manifest.Parse(f.Name(), data, manifest.DefaultLimits)
		if len(p.Errors) > 0 {
			t.Fatalf("%s: %v", f.Name(), p.Errors)
		}
		m := Build(inventory.New(p.Objects))
		for _, r := range m.Roles {
			if r.Builtin() {
				continue
			}
			roles++
			if !r.Bootstrap() || r.Redefines() != nil {
				t.Errorf("%s: %s not recognised: %v", f.Name(), r.Ref(), r.Redefines())
			}
		}
		for _, b := range m.Bindings {
			bindings++
			if !b.Bootstrap() {
				t.Errorf("%s: %s not recognised", f.Name(), b.Ref())
			}
		}
	}
	if roles < 100 || bindings < 60 {
		t.Errorf("only %d roles and %d bindings read from the bootstrap policy", roles, bindings)
	}
}

// Name and label are no credential: what differs from the bootstrap policy
// is nobody's exemption.
func TestBootstrapNeedsContent(t *testing.T) {
	m := load(t,
		binding("ClusterRoleBinding", "", "system:test", "ClusterRole", "cluster-admin", "[{kind: User, name: mallory}]"),
		binding("ClusterRoleBinding", "", "system:basic-user", "ClusterRole", "system:basic-user", "[{kind: Group, name: 'system:authenticated', apiGroup: rbac.authorization.k8s.io}]"),
		binding("ClusterRoleBinding", "", "system:discovery", "ClusterRole", "cluster-admin", "[{kind: Group, name: 'system:authenticated', apiGroup: rbac.authorization.k8s.io}]"),
		binding("RoleBinding", "kube-system", "system::leader-locking-kube-scheduler", "Role", "system::leader-locking-kube-scheduler", "[{kind: User, name: 'system:kube-scheduler', apiGroup: rbac.authorization.k8s.io}, {kind: ServiceAccount, name: kube-scheduler, namespace: kube-system}]"),
		binding("RoleBinding", "default", "system::leader-locking-kube-scheduler", "Role", "system::leader-locking-kube-scheduler", "[{kind: User, name: 'system:kube-scheduler', apiGroup: rbac.authorization.k8s.io}]"),
		clusterRole("cluster-admin", "", `[{apiGroups: [""], resources: [pods], verbs: [get]}]`),
	)
	for i, want := range []bool{false, true, false, true, false} {
		if b := m.Bindings[i]; b.Bootstrap() != want {
			t.Errorf("%s (roleRef %s): Bootstrap() = %v, want %v", b.Ref(), b.RoleRefString(), !want, want)
		}
	}
	// The redefinition is reported, and bindings to cluster-admin keep the
	// built-in rights.
	ca, _ := m.Role("ClusterRole", "", "cluster-admin")
	if ca.Bootstrap() || len(ca.Redefines()) == 0 {
		t.Errorf("redefined cluster-admin: Bootstrap %v, Redefines %v", ca.Bootstrap(), ca.Redefines())
	}
	full := false
	for _, g := range m.Grants(User("mallory")) {
		full = full || IsFullWildcard(g.Rule.Rule)
	}
	if !full {
		t.Error("a binding to the redefined cluster-admin lost the built-in */*/*")
	}
}
