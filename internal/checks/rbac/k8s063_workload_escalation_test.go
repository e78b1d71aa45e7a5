package rbac

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

func deployment(ns, name, sa, extra string) string {
	return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + ", namespace: " + ns + extra + "}\nspec:\n  template:\n    spec:\n      serviceAccountName: " + sa + "\n      containers: [{name: c, image: c}]"
}

func TestWorkloadEscalation(t *testing.T) {
	admin := crb("ci-admin", "cluster-admin", "[{kind: ServiceAccount, name: ci, namespace: shop}]")
	edit := rb("shop", "default-edit", "ClusterRole", "edit", "[{kind: ServiceAccount, name: default, namespace: shop}]")
	runCases(t, "K8S-063", []tcase{
		{"default can create pods where ci lives", []string{admin, edit, deployment("shop", "web", "default", "")},
			[]want{{"Deployment/shop/web", "spec.template.spec.serviceAccountName", []string{
				`Deployment "web" mounts the API token of ServiceAccount shop/default, which can reach cluster-admin: ` +
					"(1) ServiceAccount shop/default can create pods or pod controllers in namespace shop and so acts as ServiceAccount shop/ci [RoleBinding shop/default-edit → ClusterRole edit",
				"(2) ServiceAccount shop/ci holds cluster-admin [ClusterRoleBinding ci-admin → ClusterRole cluster-admin rules[0]"}}}},
		{"the account is cluster-admin", []string{admin, deployment("shop", "deployer", "ci", "")},
			[]want{{"Deployment/shop/deployer", "spec.template.spec.serviceAccountName", []string{"ServiceAccount shop/ci, which is cluster-admin: (1) ServiceAccount shop/ci holds cluster-admin"}}}},
		{"no token mounted", []string{admin, "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ci, namespace: shop}\nautomountServiceAccountToken: false", deployment("shop", "deployer", "ci", "")}, nil},
		{"a projected token for Entra ID only", []string{admin,
			"apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  serviceAccountName: ci\n  automountServiceAccountToken: false\n  containers: [{name: c, image: c}]\n" +
				"  volumes: [{name: t, projected: {sources: [{serviceAccountToken: {path: t, audience: api://AzureADTokenExchange}}]}}]"}, nil},
		{"a projected API token", []string{admin,
			"apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  serviceAccountName: ci\n  automountServiceAccountToken: false\n  containers: [{name: c, image: c}]\n" +
				"  volumes: [{name: t, projected: {sources: [{serviceAccountToken: {path: t}}]}}]"},
			[]want{{"Pod/shop/p", "spec.serviceAccountName", nil}}},
		{"no way up", []string{edit, deployment("shop", "web", "default", "")}, nil},
		{"the addon manager's label in a manifest exempts nothing", []string{admin, deployment("shop", "deployer", "ci", ", labels: {addonmanager.kubernetes.io/mode: Reconcile}")},
			[]want{{"Deployment/shop/deployer", "spec.template.spec.serviceAccountName", []string{"which is cluster-admin"}}}},
	})
}

// In a live cluster the addon manager's workloads are the platform's.
func TestWorkloadEscalationLiveAddon(t *testing.T) {
	p := manifest.Parse("live.yaml", []byte(crb("ci-admin", "cluster-admin", "[{kind: ServiceAccount, name: ci, namespace: kube-system}]")+"\n---\n"+
		deployment("kube-system", "addon", "ci", ", labels: {addonmanager.kubernetes.io/mode: Reconcile}")), manifest.DefaultLimits)
	if len(p.Errors) > 0 {
		t.Fatal(p.Errors)
	}
	for _, o := range p.Objects {
		o.Loc = finding.Location{Resource: "/apis/" + o.Kind + "/" + o.Meta.Name}
	}
	c, _ := check.Lookup("K8S-063")
	if res := engine.Run(inventory.New(p.Objects), []*check.Check{c}, checktest.DefaultSettings(), engine.Options{Workers: 1}); len(res.Findings) != 0 {
		t.Errorf("live addon-managed workload reported: %v", res.Findings)
	}
}
