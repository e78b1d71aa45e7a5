package ci

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// krewPlugin is krew's Plugin manifest (krew.googlecontainertools.github.com/v1alpha2).
type krewPlugin struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		Version          string `yaml:"version"`
		Homepage         string `yaml:"homepage"`
		ShortDescription string `yaml:"shortDescription"`
		Description      string `yaml:"description"`
		Platforms        []struct {
			Selector struct {
				MatchLabels map[string]string `yaml:"matchLabels"`
			} `yaml:"selector"`
			URI    string `yaml:"uri"`
			SHA256 string `yaml:"sha256"`
			Files  []struct {
				From string `yaml:"from"`
				To   string `yaml:"to"`
			} `yaml:"files"`
			Bin string `yaml:"bin"`
		} `yaml:"platforms"`
	} `yaml:"spec"`
}

// TestKrewManifest: hack/krew-manifest.sh turns release archives into a
// krew manifest whose every platform names its archive with the right
// sha256 and a bin the archive holds; the binary found that way runs.
func TestKrewManifest(t *testing.T) {
	dist := t.TempDir()
	src := filepath.Join(binDir, "kubectl-bulwark")
	build := exec.Command("go", "build", "-o", src, "./cmd/kubectl-bulwark")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build kubectl-bulwark: %v\n%s", err, out)
	}
	bin, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	license, err := os.ReadFile(filepath.Join(root, "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(dist, "kubectl-bulwark_linux_amd64.tar.gz")
	writeTarGz(t, archive, map[string][]byte{"kubectl-bulwark": bin, "LICENSE": license})

	cmd := exec.Command("bash", filepath.Join(root, "hack", "krew-manifest.sh"), "v0.1.0", dist)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("krew-manifest.sh: %v", err)
	}
	var p krewPlugin
	dec := yaml.NewDecoder(bytes.NewReader(out))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("manifest: %v\n%s", err, out)
	}
	if p.APIVersion != "krew.googlecontainertools.github.com/v1alpha2" || p.Kind != "Plugin" || p.Metadata.Name != "bulwark" ||
		p.Spec.Version != "v0.1.0" || p.Spec.ShortDescription == "" || len(p.Spec.Platforms) != 1 {
		t.Fatalf("manifest shape: %+v", p)
	}
	pl := p.Spec.Platforms[0]
	data, _ := os.ReadFile(archive)
	sum := sha256.Sum256(data)
	if pl.SHA256 != hex.EncodeToString(sum[:]) || !strings.HasSuffix(pl.URI, "/v0.1.0/kubectl-bulwark_linux_amd64.tar.gz") ||
		pl.Selector.MatchLabels["os"] != "linux" || pl.Selector.MatchLabels["arch"] != "amd64" || pl.Bin != "kubectl-bulwark" {
		t.Errorf("platform: %+v", pl)
	}
	// Install as krew does: unpack, copy the files, run bin.
	install := t.TempDir()
	for name, body := range readTarGz(t, archive) {
		for _, f := range pl.Files {
			if f.From == name {
				if err := os.WriteFile(filepath.Join(install, f.To, name), body, 0o755); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	run := exec.Command(filepath.Join(install, pl.Bin), "report", "--help")
	if out, err := run.CombinedOutput(); err != nil || !strings.Contains(string(out), "kubectl bulwark report") {
		t.Errorf("installed plugin: %v\n%s", err, out)
	}
	if out, err := exec.Command("bash", filepath.Join(root, "hack", "krew-manifest.sh"), "v0.1.0", t.TempDir()).CombinedOutput(); err == nil {
		t.Errorf("no archives must be an error, got\n%s", out)
	}
}

func writeTarGz(t *testing.T, p string, files map[string][]byte) {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readTarGz(t *testing.T, p string) map[string][]byte {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out[h.Name] = body
	}
}
