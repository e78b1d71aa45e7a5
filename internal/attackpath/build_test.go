package attackpath

import (
	"slices"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

const app = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {type: LoadBalancer, selector: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api, namespace: shop}
spec:
  rules:
  - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      containers: [{name: web, image: contoso.azurecr.io/web:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: contoso.azurecr.io/api:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: hidden, namespace: shop}
spec:
  selector: {matchLabels: {app: hidden}}
  template:
    metadata: {labels: {app: hidden}}
    spec:
      containers: [{name: h, image: contoso.azurecr.io/h:1}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: web-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: User, name: alice}, {kind: ServiceAccount, name: web, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: api-secrets, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: default, namespace: shop}]
`

// steps declares the test's check ids.
var steps = map[string]check.AttackStep{
	"T-EXPOSED": check.AttackExposed, "T-EXPLOIT": check.AttackExploit, "T-HOST": check.AttackHost, "T-TOKEN": check.AttackToken,
	"T-IMDS": check.AttackCloudIdentity, "T-ADMIN": check.AttackClusterAdmin, "T-SECRETS": check.AttackSecrets, "T-NODES": check.AttackNodes,
	"T-PUSH": check.AttackRegistryWrite, "T-ANON": check.AttackRegistryAccess, "T-LOCAL": check.AttackAPIAccess,
}

func stepOf(id string) check.AttackStep { return steps[id] }

func objects(t *testing.T) []*inventory.Object {
	t.Helper()
	p := manifest.Parse("app.yaml", []byte(app), manifest.DefaultLimits)
	if len(p.Errors) > 0 {
		t.Fatal(p.Errors)
	}
	return p.Objects
}

func find(id, kind, ns, name, field string) report.Finding {
	return report.Finding{CheckID: id, Subject: report.Subject{Kind: kind, Namespace: ns, Name: name}, Field: field,
		Fingerprint: strings.Repeat("0", 32-len(id+name+field)%32) + id + name + field, Message: id + " on " + name}
}

// cluster is an AKS cluster whose kubelet identity can push to a registry
// and read a Key Vault.
func cluster() *inventory.Object {
	c := &aksmodel.Cluster{Name: "aks1", Model: &armcontainerservice.ManagedCluster{Properties: &armcontainerservice.ManagedClusterProperties{}},
		KubeletRoleAssignments: []aksmodel.RoleAssignment{
			{Role: "AcrPush", Scope: "/subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerRegistry/registries/contoso", Path: field.NewPath("roleAssignments").Index(0)},
			{Role: "Key Vault Secrets User", Scope: "/subscriptions/s/resourceGroups/r/providers/Microsoft.KeyVault/vaults/kv1", Path: field.NewPath("roleAssignments").Index(1)},
		}}
	return inventory.NewObject(metav1.TypeMeta{Kind: aksmodel.KindCluster}, &metav1.ObjectMeta{Name: "aks1"}, c, finding.Location{File: "aks.json"}, nil)
}

func registry() *inventory.Object {
	r := &aksmodel.Registry{Name: "contoso"}
	return inventory.NewObject(metav1.TypeMeta{Kind: aksmodel.KindRegistry}, &metav1.ObjectMeta{Name: "contoso"}, r, finding.Location{File: "acr.json"}, nil)
}

// image is the scan of web's image with a fixable and an unfixable
// vulnerability.
func image() *inventory.Object {
	r := &imagescan.Result{Target: imagescan.Target{Ref: "contoso.azurecr.io/web:1", Uses: []imagescan.Use{{Subject: finding.Subject{Kind: "Deployment", Namespace: "shop", Name: "web"}}}},
		Vulnerabilities: []imagescan.Vulnerability{{ID: "CVE-1", Type: "deb", Package: "openssl", Fixed: "3.0.1"}, {ID: "CVE-2", Type: "deb", Package: "zlib"}}}
	return imagescan.ToObjects([]*imagescan.Result{r})[0]
}

func analyze(t *testing.T, extra []*inventory.Object, fs ...report.Finding) []report.AttackPath {
	t.Helper()
	inv := inventory.New(append(objects(t), extra...))
	return Build(inv, fs, stepOf).Analyze()
}

func has(ps []report.AttackPath, want string) *report.AttackPath {
	for i := range ps {
		if route(ps[i]) == want {
			return &ps[i]
		}
	}
	return nil
}

func TestBuildServiceTokenClusterAdmin(t *testing.T) {
	ps := analyze(t, nil,
		find("T-EXPOSED", "Service", "shop", "web", "spec.type"),
		find("T-TOKEN", "Deployment", "shop", "web", "spec.template.spec.serviceAccountName"),
		find("T-ADMIN", "ClusterRoleBinding", "", "web-admin", "subjects[1]"),
		// alice is a user: no hop reaches her.
		find("T-ADMIN", "ClusterRoleBinding", "", "web-admin", "subjects[0]"),
	)
	got := routes(ps)
	want := []string{
		"Internet→Service shop/web→Deployment shop/web→ServiceAccount shop/web→cluster-admin",
		"Internet→Service shop/web→Deployment shop/web→ServiceAccount shop/web→cluster-admin→every Secret of the cluster",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("paths\n got %q\nwant %q", got, want)
	}
	p := ps[0]
	if p.Hops[1].Step != "reaches" || p.Hops[1].Evidence[0].Field != "spec.selector" || p.Hops[1].Evidence[0].Fingerprint != "" {
		t.Errorf("selector hop %+v", p.Hops[1])
	}
	if p.Hops[3].Evidence[0].CheckID != "T-ADMIN" || p.Hops[3].Evidence[0].Field != "subjects[1]" {
		t.Errorf("rbac hop %+v", p.Hops[3])
	}
	// Without a known vulnerability the workload hop costs 3: 100 × 0.9².
	if p.Score != 81 {
		t.Errorf("score %d", p.Score)
	}
}

func TestBuildExploitOnlyWithFix(t *testing.T) {
	img := image()
	fixed := find("T-EXPLOIT", "Image", "", img.Meta.Name, "packages[deb:openssl@].vulnerabilities[CVE-1]")
	unfixed := find("T-EXPLOIT", "Image", "", img.Meta.Name, "packages[deb:zlib@].vulnerabilities[CVE-2]")
	base := []report.Finding{find("T-EXPOSED", "Service", "shop", "web", "spec.type"), find("T-HOST", "Deployment", "shop", "web", "spec.template.spec.containers[0].securityContext.privileged")}

	p := has(analyze(t, []*inventory.Object{img}, append(base, unfixed)...), "Internet→Service shop/web→Deployment shop/web→a node")
	// 80 × 0.9^(cost 5 - 3 hops)
	if p == nil || len(p.Hops[1].Evidence) != 1 || p.Score != 65 {
		t.Fatalf("without a fixable vulnerability: %+v", p)
	}
	p = has(analyze(t, []*inventory.Object{img}, append(base, unfixed, fixed)...), "Internet→Service shop/web→Deployment shop/web→a node")
	// 80 × 0.9^(cost 4 - 3 hops)
	if p == nil || len(p.Hops[1].Evidence) != 2 || p.Hops[1].Evidence[1].Fingerprint != fixed.Fingerprint || p.Score != 72 {
		t.Fatalf("with a fixable vulnerability: %+v", p)
	}
}

func TestBuildIngressSecrets(t *testing.T) {
	ps := analyze(t, nil,
		find("T-TOKEN", "Deployment", "shop", "api", "spec.template.spec.serviceAccountName"),
		find("T-SECRETS", "RoleBinding", "shop", "api-secrets", "subjects[0]"),
	)
	want := "Internet→Ingress shop/api→Service shop/api→Deployment shop/api→ServiceAccount shop/default→Secrets of namespace shop"
	if got := routes(ps); !slices.Equal(got, []string{want}) {
		t.Fatalf("paths %q", got)
	}
	// The Ingress and its routes are relations: the fix is a finding.
	if f := ps[0].Fix; f == nil || ps[0].Hops[f.Hop].Step != "token" {
		t.Errorf("fix %+v", ps[0].Fix)
	}
}

func TestBuildAzureHops(t *testing.T) {
	ps := analyze(t, []*inventory.Object{cluster(), registry()},
		find("T-EXPOSED", "Service", "shop", "web", "spec.type"),
		find("T-IMDS", "Deployment", "shop", "web", "spec.template.metadata.labels"),
		find("T-PUSH", aksmodel.KindCluster, "", "aks1", "roleAssignments[0]"),
		find("T-EXPOSED", aksmodel.KindRegistry, "", "contoso", "properties.networkRuleSet"),
		find("T-ANON", aksmodel.KindRegistry, "", "contoso", "properties.anonymousPullEnabled"),
		find("T-EXPOSED", aksmodel.KindCluster, "", "aks1", "properties.apiServerAccessProfile"),
		find("T-LOCAL", aksmodel.KindCluster, "", "aks1", "properties.disableLocalAccounts"),
		// The hidden workload takes over its node; nothing reaches it.
		find("T-HOST", "Deployment", "shop", "hidden", "spec.template.spec.hostPID"),
		find("T-NODES", "ClusterRoleBinding", "", "web-admin", "subjects[1]"),
	)
	for _, want := range []string{
		"Internet→Service shop/web→Deployment shop/web→kubelet identity of cluster aks1→registry contoso",
		"Internet→Service shop/web→Deployment shop/web→kubelet identity of cluster aks1→Key Vault kv1",
		"Internet→registry contoso endpoint→registry contoso",
		"Internet→API server of cluster aks1→cluster-admin",
		"Internet→API server of cluster aks1→cluster-admin→every Secret of the cluster",
	} {
		if has(ps, want) == nil {
			t.Errorf("missing %s in\n%s", want, strings.Join(routes(ps), "\n"))
		}
	}
	for _, p := range ps {
		if strings.Contains(route(p), "hidden") {
			t.Errorf("unreachable workload on a path: %s", route(p))
		}
		if p.Jewel == string(JewelNode) {
			// web's token is not mounted by any finding, so nodes/proxy
			// through its ServiceAccount is out of reach.
			t.Errorf("unexpected node path %s", route(p))
		}
	}
}

func TestBuildNodeToKubeletIdentity(t *testing.T) {
	ps := analyze(t, []*inventory.Object{cluster()},
		find("T-EXPOSED", "Service", "shop", "web", "spec.type"),
		find("T-TOKEN", "Deployment", "shop", "web", "spec.template.spec.serviceAccountName"),
		find("T-NODES", "ClusterRoleBinding", "", "web-admin", "subjects[1]"),
	)
	if has(ps, "Internet→Service shop/web→Deployment shop/web→ServiceAccount shop/web→a node→kubelet identity of cluster aks1→Key Vault kv1") == nil {
		t.Errorf("no path from the node to the kubelet identity's Key Vault in\n%s", strings.Join(routes(ps), "\n"))
	}
}
