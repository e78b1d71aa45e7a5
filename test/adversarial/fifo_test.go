package adversarial

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// TestFIFOInEveryFileFlag: opening a FIFO for reading waits for a writer,
// so any file a command reads must be refused as "not a regular file"
// before it is opened for good. The class covers every flag and argument
// that names a file to read, not only the manifests: before this test the
// policy file, the detection rules and a kustomization's resources each
// hung the run. A flag added later that reads a file belongs in this table.
func TestFIFOInEveryFileFlag(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	okManifest := WriteFile(t, dir, "ok.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n"))
	kust := filepath.Join(dir, "kust")
	WriteFile(t, kust, "kustomization.yaml", []byte("resources: [pipe.yaml]\n"))
	if err := syscall.Mkfifo(filepath.Join(kust, "pipe.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	chart := filepath.Join(dir, "chart")
	WriteFile(t, chart, "Chart.yaml", []byte("apiVersion: v2\nname: c\nversion: 0.1.0\n"))
	WriteFile(t, filepath.Join(chart, "templates"), "cm.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"))
	WriteFile(t, filepath.Join(dir, "fifochart"), "Chart.yaml", []byte("apiVersion: v2\nname: c\nversion: 0.1.0\n"))
	if err := os.MkdirAll(filepath.Join(dir, "fifochart", "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifochart", "templates", "cm.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	trust := filepath.Join(dir, "trust")
	if err := os.Mkdir(trust, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(trust, "trustpolicy.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	tf := filepath.Join(dir, "tf")
	WriteFile(t, tf, "main.tf", []byte("resource \"azurerm_resource_group\" \"rg\" {\n  name = \"rg\"\n  location = \"westeurope\"\n}\n"))
	if err := syscall.Mkfifo(filepath.Join(tf, "pipe.tf"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "db")
	if err := os.Mkdir(db, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(db, vulndb.MetadataFile), 0o644); err != nil {
		t.Fatal(err)
	}
	// Runs start in a temporary directory: the examples by absolute path.
	examples, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	aks := filepath.Join(examples, "aks", "default")
	image := filepath.Join(examples, "images", "app")

	for name, args := range map[string][]string{
		"manifest":                {"scan", "manifests", fifo},
		"--policy":                {"scan", "manifests", okManifest, "--policy", fifo},
		"--baseline":              {"scan", "manifests", okManifest, "--baseline", fifo},
		"kustomize resource":      {"scan", "manifests", kust},
		"helm --values":           {"scan", "manifests", chart, "--values", fifo},
		"scan aks":                {"scan", "aks", fifo},
		"scan aks --parameters":   {"scan", "aks", aks, "--parameters", fifo},
		"scan manifests --aks":    {"scan", "manifests", okManifest, "--aks", fifo},
		"detect events":           {"detect", fifo},
		"detect --rules":          {"detect", "--rules", fifo, "-"},
		"report":                  {"report", fifo},
		"assess --aks":            {"assess", okManifest, "--aks", fifo},
		"terraform source":        {"scan", "aks", tf},
		"terraform --var-file":    {"scan", "aks", filepath.Join(examples, "aks", "terraform", "main.tf"), "--var-file", fifo},
		"vulnerability database":  {"scan", "image", image, "--db-dir", db},
		"helm template":           {"scan", "manifests", filepath.Join(dir, "fifochart")},
		"scan image --dockerfile": {"scan", "image", image, "--dockerfile", fifo},
		"verify --trust-policy":   {"verify", "image", image, "--trust-policy", trust},
	} {
		t.Run(name, func(t *testing.T) {
			r := Run(t, Limits{Wall: 10 * time.Second}, strings.NewReader(""), args...)
			if r.Code != 2 {
				t.Errorf("exit %d, want 2; %s", r.Code, r)
			}
			// Helm's chart loader words it its own way.
			if out := r.Stdout + r.Stderr; !strings.Contains(out, "not a regular file") && !strings.Contains(out, "cannot load irregular file") {
				t.Errorf("the output does not say the file is not a regular file; %s", r)
			}
			ExpectNoPanic(t, r)
		})
	}
}
