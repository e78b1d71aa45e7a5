package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
)

// TestAssessWithImages assesses every layer of the examples: the AKS
// cluster, the insecure application and, pushed to a registry on loopback
// as the image every workload runs, the bundled Debian example image whose
// example advisories have fixes. The path through the public store-front
// Service then rests on the image's fixable vulnerabilities too.
func TestAssessWithImages(t *testing.T) {
	host := imagetest.Registry(t)
	idx, err := layout.ImageIndexFromPath("../../examples/images/app")
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
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
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(apps, filepath.Base(f)), imageLine.ReplaceAll(b, []byte("${1}"+ref)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := t.TempDir()
	if code, _, stderr := run(t, "", "db", "import", "--db-dir", db, "../../examples/images/osv"); code != 0 {
		t.Fatalf("db import: %s", stderr)
	}
	code, out, stderr := run(t, "", "assess", apps, "--aks", "../../examples/aks/default", "--images", "--db-dir", db, "--cache-dir", t.TempDir(),
		"--no-base-check", "--as-of", "2026-11-26")
	if code != 1 {
		t.Fatalf("exit %d: %s\n%s", code, stderr, out)
	}
	want := "Service pets/store-front → Deployment pets/store-front: sends traffic to a workload with a fixable vulnerability (IMG-001, IMG-002)"
	if !strings.Contains(out, want) {
		t.Errorf("no exploit hop %q in\n%s", want, out)
	}
	// The known vulnerabilities make the path easier: 100 × 0.9.
	if !strings.Contains(out, "   90  cluster-admin: Internet → Service pets/store-front → Deployment pets/store-front → ServiceAccount pets/default → cluster-admin") {
		t.Errorf("store-front path not scored 90:\n%s", out)
	}
}
