package attackpath

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

// fleet is a large cluster: 10,000 pods in 100 namespaces, 1,000 public
// LoadBalancer Services (10 pods each), 2,000 RoleBindings, 500 images
// each with a fixable critical vulnerability, and the findings that open
// hops on them.
func fleet(tb testing.TB) (*inventory.Inventory, []report.Finding) {
	const namespaces, podsPerNS, servicesPerNS, bindingsPerNS, images = 100, 100, 10, 20, 500
	var doc strings.Builder
	var fs []report.Finding
	uses := make([][]imagescan.Use, images)
	for n := range namespaces {
		ns := fmt.Sprintf("ns%d", n)
		for s := range servicesPerNS {
			fmt.Fprintf(&doc, "---\napiVersion: v1\nkind: Service\nmetadata: {name: svc%d, namespace: %s}\nspec: {type: LoadBalancer, selector: {app: a%d}}\n", s, ns, s)
			fs = append(fs, find("T-EXPOSED", "Service", ns, fmt.Sprintf("svc%d", s), "spec.type"))
		}
		for p := range podsPerNS {
			name := fmt.Sprintf("pod%d", p)
			img := (n*podsPerNS + p) % images
			fmt.Fprintf(&doc, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: %s, namespace: %s, labels: {app: a%d}}\nspec: {serviceAccountName: sa%d, containers: [{name: c, image: img%d}]}\n",
				name, ns, p%servicesPerNS, p%bindingsPerNS, img)
			fs = append(fs, find("T-TOKEN", "Pod", ns, name, "spec.serviceAccountName"))
			if p%50 == 0 {
				fs = append(fs, find("T-HOST", "Pod", ns, name, "spec.hostPID"))
			}
			uses[img] = append(uses[img], imagescan.Use{Subject: finding.Subject{Kind: "Pod", Namespace: ns, Name: name}})
		}
		for b := range bindingsPerNS {
			fmt.Fprintf(&doc, "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb%d, namespace: %s}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}\nsubjects: [{kind: ServiceAccount, name: sa%d, namespace: %s}]\n", b, ns, b, ns)
			fs = append(fs, find("T-SECRETS", "RoleBinding", ns, fmt.Sprintf("rb%d", b), "subjects[0]"))
			if b == 0 && n%10 == 0 {
				fs = append(fs, find("T-ADMIN", "RoleBinding", ns, "rb0", "subjects[0]"))
			}
		}
	}
	p := manifest.Parse("fleet.yaml", []byte(doc.String()), manifest.DefaultLimits)
	if len(p.Errors) > 0 {
		tb.Fatal(p.Errors[0])
	}
	results := make([]*imagescan.Result, images)
	for i := range results {
		results[i] = &imagescan.Result{Target: imagescan.Target{Ref: fmt.Sprintf("img%d", i), Uses: uses[i]},
			Vulnerabilities: []imagescan.Vulnerability{{ID: "CVE-1", Type: "deb", Package: "openssl", Fixed: "3"}}}
	}
	imgs := imagescan.ToObjects(results)
	for _, o := range imgs {
		fs = append(fs, find("T-EXPLOIT", "Image", "", o.Meta.Name, "packages[deb:openssl@].vulnerabilities[CVE-1]"))
	}
	return inventory.New(append(p.Objects, imgs...)), fs
}

// BenchmarkFleet measures Build and Analyze over fleet's cluster (the
// parsing of its manifests is not timed). Goal: under 2 s.
func BenchmarkFleet(b *testing.B) {
	inv, fs := fleet(b)
	b.ResetTimer()
	for b.Loop() {
		g := Build(inv, fs, stepOf)
		ps := g.Analyze()
		if len(ps) == 0 {
			b.Fatal("no paths")
		}
		nodes, edges := g.Len()
		b.ReportMetric(float64(len(ps)), "paths")
		b.ReportMetric(float64(nodes), "nodes")
		b.ReportMetric(float64(edges), "edges")
	}
}
