package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/test/e2e/apiserver"
)

// pathNames are the attack paths of rep as the table prints them
// ("cluster-admin: Internet → ... → cluster-admin").
func pathNames(rep *report.Report) []string {
	var out []string
	for _, p := range rep.AttackPaths {
		nodes := []string{}
		for i, h := range p.Hops {
			if i == 0 {
				nodes = append(nodes, h.From)
			}
			nodes = append(nodes, h.To)
		}
		out = append(out, p.Jewel+": "+strings.Join(nodes, " → "))
	}
	return out
}

// TestAssessLiveCluster deploys the insecure example application to a real
// API server and assesses it live with the example AKS cluster: the path
// the README documents, from the public store-front Service through its
// Deployment and ServiceAccount to cluster-admin, is found in the objects
// the API server holds, as it is in the files.
func TestAssessLiveCluster(t *testing.T) {
	s := apiserver.Start(t)
	_, _, err := s.Load(context.Background(), "../../examples/insecure")
	apiserver.Must(t, err)

	const storeFront = "cluster-admin: Internet → Service pets/store-front → Deployment pets/store-front → ServiceAccount pets/default → cluster-admin"
	args := []string{"--aks", "../../examples/aks/default", "--as-of", "2026-11-26"}
	files := bulwarkJSON(t, append([]string{"assess", "../../examples/insecure"}, args...)...)
	live := bulwarkJSON(t, append([]string{"assess", "--kubeconfig", s.Kubeconfig}, args...)...)
	if live.code != report.ExitFail || live.rep.Summary.Result != "fail" {
		t.Fatalf("exit %d, result %s; errors %+v; stderr %s", live.code, live.rep.Summary.Result, live.rep.Errors, live.err)
	}
	if !slices.Contains(pathNames(live.rep), storeFront) {
		t.Errorf("live: no path %q in\n%s", storeFront, strings.Join(pathNames(live.rep), "\n"))
	}
	// Every path through the application in the files is there live.
	for _, name := range pathNames(files.rep) {
		if !slices.Contains(pathNames(live.rep), name) {
			t.Errorf("path in the files, not live: %s", name)
		}
	}
	if !slices.Contains(live.rep.Targets, strings.TrimSuffix(s.Config.Host, "/")) {
		t.Errorf("targets %v lack the API server %s", live.rep.Targets, s.Config.Host)
	}
	if len(live.rep.Coverage) == 0 {
		t.Error("a live read lists its coverage")
	}

	// A user who may read nothing cannot be assessed: never a pass.
	kubeconfig, _, err := s.AddUser("nobody")
	apiserver.Must(t, err)
	denied := bulwarkJSON(t, append([]string{"assess", "--kubeconfig", kubeconfig}, args...)...)
	if denied.code != report.ExitError || len(denied.rep.Errors) == 0 {
		t.Errorf("no permission: exit %d, errors %+v", denied.code, denied.rep.Errors)
	}
}

// TestAssessLiveClusterImagesFromCache: the pipeline scanned the image the
// application runs (bulwark scan image, recording it in the cache); assess
// reads the application live and judges its images by that record,
// downloading no layer: the path through the public store-front Service
// then also rests on the image's fixable vulnerabilities.
func TestAssessLiveClusterImagesFromCache(t *testing.T) {
	host := imagetest.Registry(t)
	idx, err := layout.ImageIndexFromPath("../../examples/images/app")
	apiserver.Must(t, err)
	m, err := idx.IndexManifest()
	apiserver.Must(t, err)
	img, err := idx.Image(m.Manifests[0].Digest)
	apiserver.Must(t, err)
	ref := host + "/pets/app:1.0"
	imagetest.Push(t, ref, img)

	// The application, every image pointing at the pushed one.
	apps := t.TempDir()
	files, err := filepath.Glob("../../examples/insecure/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("examples: %v", err)
	}
	imageLine := regexp.MustCompile(`(?m)^(\s*(?:- )?image:\s*).*$`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		apiserver.Must(t, err)
		apiserver.Must(t, os.WriteFile(filepath.Join(apps, filepath.Base(f)), imageLine.ReplaceAll(b, []byte("${1}"+ref)), 0o644))
	}
	s := apiserver.Start(t)
	_, _, err = s.Load(context.Background(), apps)
	apiserver.Must(t, err)

	db, cache := t.TempDir(), t.TempDir()
	if r := bulwark(t, "db", "import", "--db-dir", db, "../../examples/images/osv"); r.code != 0 {
		t.Fatalf("db import: %s", r.err)
	}
	if r := bulwark(t, "scan", "image", ref, "--db-dir", db, "--cache-dir", cache, "--no-base-check"); r.code == report.ExitError {
		t.Fatalf("scan image: %s", r.err)
	}
	r := bulwarkJSON(t, "assess", "--kubeconfig", s.Kubeconfig, "--aks", "../../examples/aks/default", "--as-of", "2026-11-26",
		"--images", "--images-from-cache", "--db-dir", db, "--cache-dir", cache, "--no-base-check")
	if r.code != report.ExitFail {
		t.Fatalf("exit %d: errors %+v; stderr %s", r.code, r.rep.Errors, r.err)
	}
	var exploit bool
	for _, p := range r.rep.AttackPaths {
		for _, h := range p.Hops {
			if h.From == "Service pets/store-front" && h.To == "Deployment pets/store-front" && h.Description == "sends traffic to a workload with a fixable vulnerability" {
				exploit = true
			}
		}
	}
	if !exploit {
		t.Errorf("no hop into Deployment pets/store-front resting on its image's vulnerabilities in\n%s", strings.Join(pathNames(r.rep), "\n"))
	}
	if !slices.ContainsFunc(r.rep.Findings, func(f report.Finding) bool { return f.CheckID == "IMG-001" || f.CheckID == "IMG-002" }) {
		t.Error("no vulnerability finding from the cached scan record")
	}
}
