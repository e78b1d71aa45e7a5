package deploy

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
	"github.com/bulwark-sec/bulwark/internal/testutil/needs"
)

// bulwarkBinary builds the static binary once per test.
func bulwarkBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bulwark")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "github.com/bulwark-sec/bulwark/cmd/bulwark")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// image builds Bulwark's image as the Dockerfile does: the static binary
// and the CA roots on an empty base, user 65532, no shell. It returns the
// binary too, which the test runs (a separate process without the race
// detector, as users run it).
func image(t *testing.T) (v1.Image, string) {
	t.Helper()
	bin := bulwarkBinary(t)
	binData, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	roots, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		needs.Missing(t, "the system CA roots (Debian's ca-certificates) are needed to build the image: %v", err)
	}
	layer := imagetest.Layer(t,
		imagetest.File{Name: "etc/ssl/certs/ca-certificates.crt", Content: roots, Mode: 0o644},
		imagetest.File{Name: "bulwark", Content: binData, Mode: 0o755})
	cfg, err := mutate.ConfigFile(empty.Image, &v1.ConfigFile{OS: "linux", Architecture: runtime.GOARCH, RootFS: v1.RootFS{Type: "layers"},
		Config: v1.Config{User: "65532:65532", Entrypoint: []string{"/bulwark"},
			Labels: map[string]string{"org.opencontainers.image.source": "https://github.com/bulwark-sec/bulwark"}}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(mutate.MediaType(cfg, types.OCIManifestSchema1), layer)
	if err != nil {
		t.Fatal(err)
	}
	return img, bin
}

// run runs the bulwark binary bin with args.
func run(bin string, args ...string) (int, string, string) {
	var out, errb strings.Builder
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		return -1, out.String(), err.Error()
	}
	return code, out.String(), errb.String()
}

// TestImageHasNoCriticalOrHighFindings scans Bulwark's own image, with the
// Go vulnerability database, as a user's pipeline would scan theirs.
func TestImageHasNoCriticalOrHighFindings(t *testing.T) {
	govulndb := os.Getenv("BULWARK_GOVULNDB_DIR")
	if govulndb == "" {
		needs.Missing(t, `BULWARK_GOVULNDB_DIR is not set: run eval "$(hack/install-tools.sh)"`)
	}
	img, bin := image(t)
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if u := cf.Config.User; u == "" || u == "0" || strings.HasPrefix(u, "0:") || u == "root" {
		t.Errorf("the image runs as %q, want a non-root user", u)
	}
	layers, _ := img.Layers()
	if len(layers) != 1 {
		t.Errorf("%d layers, want the binary and CA roots only", len(layers))
	}
	dir := filepath.Join(t.TempDir(), "bulwark-image")
	imagetest.Layout(t, dir, img)
	db := t.TempDir()
	if code, _, stderr := run(bin, "db", "import", "--db-dir", db, "--go-vulndb-dir", govulndb); code != 0 {
		t.Fatalf("db import: exit %d: %s", code, stderr)
	}
	code, out, stderr := run(bin, "scan", "image", dir, "--db-dir", db, "--no-cache", "--no-base-check", "--max-db-age", "100000h", "--fail-on", "high", "-f", "json")
	if code != 0 {
		t.Fatalf("scan image of Bulwark's own image: exit %d\n%s\n%s", code, stderr, out)
	}
	var rep struct {
		Findings []struct {
			CheckID, Severity, Message string
		} `json:"findings"`
		Summary struct{ Findings int } `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Severity == "critical" || f.Severity == "high" {
			t.Errorf("%s %s: %s", f.CheckID, f.Severity, f.Message)
		}
		t.Logf("%s %s: %s", f.CheckID, f.Severity, f.Message)
	}
}
