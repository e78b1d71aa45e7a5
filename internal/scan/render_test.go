package scan

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"k8s.io/pod-security-admission/api"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

func renderOptions(f RenderFlags) Options {
	return Options{
		Settings: check.Settings{PSS: api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}},
		Gate:     decide.Gate{FailOn: finding.SeverityHigh},
		Manifest: manifest.Options{Render: renderer(f, manifest.DefaultMaxFileSize)},
	}
}

func scanPaths(t *testing.T, f RenderFlags, paths ...string) *report.Report {
	t.Helper()
	rep, err := Manifests(context.Background(), paths, renderOptions(f))
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// keys are the findings as fingerprints, which do not depend on where the
// object was read.
func keys(rep *report.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, f.CheckID+" "+f.Subject.Kind+"/"+f.Subject.Name+" "+f.Field+" "+f.Fingerprint)
	}
	slices.Sort(out)
	return out
}

// TestHelmChartLikeRendered: scanning the example chart finds what
// scanning its rendered YAML finds, each finding in the template file,
// on the template's line where the template shows it.
func TestHelmChartLikeRendered(t *testing.T) {
	chart := filepath.Join("..", "..", "examples", "helm", "contoso-pets")
	got := scanPaths(t, RenderFlags{}, chart)
	want := scanPaths(t, RenderFlags{}, filepath.Join("testdata", "render", "contoso-pets.yaml"))
	if len(got.Errors) > 0 || len(got.Findings) == 0 {
		t.Fatalf("errors %+v, %d findings", got.Errors, len(got.Findings))
	}
	if g, w := keys(got), keys(want); !slices.Equal(g, w) {
		t.Errorf("chart findings differ from the rendered YAML's:\n got %q\nwant %q", g, w)
	}
	tmpl := filepath.Join(chart, "templates", "storefront.yaml")
	lines := strings.Split(readFile(t, tmpl), "\n")
	located := 0
	for _, f := range got.Findings {
		if f.Location.File != tmpl {
			t.Errorf("%s located in %q, want %s", f.CheckID, f.Location.File, tmpl)
			continue
		}
		if f.Location.Line > 0 {
			located++
			// The line names a key of the field's path (the field, or the
			// ancestor that exists), or is a list item of it.
			if f.Location.Line > len(lines) {
				t.Fatalf("%s at line %d of a %d-line template", f.CheckID, f.Location.Line, len(lines))
			}
			line := strings.TrimSpace(lines[f.Location.Line-1])
			ok := strings.HasPrefix(line, "- ") || f.Field == ""
			for k := range strings.FieldsFuncSeq(f.Field, func(r rune) bool { return r == '.' || r == '[' }) {
				k, _, _ = strings.Cut(k, "]")
				ok = ok || strings.HasPrefix(line, k+":")
			}
			if !ok {
				t.Errorf("%s %s at line %d: %q", f.CheckID, f.Field, f.Location.Line, line)
			}
		}
		if f.CheckID == "K8S-023" || strings.Contains(f.Field, "sysctls") {
			if l := f.Location.Line; l == 0 || !strings.Contains(lines[l-1], "sysctls") && !strings.Contains(lines[l-1], "somaxconn") {
				t.Errorf("sysctl finding %s at line %d", f.CheckID, l)
			}
		}
	}
	if located < len(got.Findings)/2 {
		t.Errorf("only %d of %d findings have a template line", located, len(got.Findings))
	}

	// The real helm renders the same objects (hack/install-tools.sh
	// installs it for the test suite).
	if helm, err := exec.LookPath("helm"); err == nil {
		out, err := exec.Command(helm, "template", "release-name", chart).Output()
		if err != nil {
			t.Fatalf("helm template: %v", err)
		}
		p := filepath.Join(t.TempDir(), "rendered.yaml")
		if err := os.WriteFile(p, out, 0o644); err != nil {
			t.Fatal(err)
		}
		if g, w := keys(got), keys(scanPaths(t, RenderFlags{}, p)); !slices.Equal(g, w) {
			t.Errorf("chart findings differ from helm template's:\n got %q\nwant %q", g, w)
		}
	}
}

// TestHelmValues: --set and --values change what the chart renders, and
// --namespace the release namespace.
func TestHelmValues(t *testing.T) {
	chart := filepath.Join("..", "..", "examples", "helm", "contoso-pets")
	vals := filepath.Join(t.TempDir(), "v.yaml")
	if err := os.WriteFile(vals, []byte("service: {type: ClusterIP}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := scanPaths(t, RenderFlags{ValueFiles: []string{vals}, Set: []string{"image.tag=1.2.3"}, Namespace: "shop"}, chart)
	for _, f := range rep.Findings {
		if f.Subject.Namespace != "shop" {
			t.Errorf("%s in namespace %q", f.CheckID, f.Subject.Namespace)
		}
		if strings.Contains(f.Field, "image") && strings.Contains(f.Evidence, "latest") {
			t.Errorf("--set image.tag ignored: %+v", f)
		}
		if f.Subject.Kind == "Service" {
			t.Errorf("--values service.type ignored: %s %s", f.CheckID, f.Message)
		}
	}
	if base := scanPaths(t, RenderFlags{}, chart); len(base.Findings) <= len(rep.Findings) {
		t.Errorf("values changed nothing: %d findings, %d with values", len(base.Findings), len(rep.Findings))
	}
}

// TestKustomizeLikeBuilt: the overlay's findings are those of its built
// YAML, named by the base file the object came from.
func TestKustomizeLikeBuilt(t *testing.T) {
	overlay := filepath.Join("..", "..", "examples", "kustomize", "overlays", "prod")
	got := scanPaths(t, RenderFlags{}, overlay)
	want := scanPaths(t, RenderFlags{}, filepath.Join("testdata", "render", "orders-prod.yaml"))
	if len(got.Errors) > 0 || len(got.Findings) == 0 {
		t.Fatalf("errors %+v, %d findings", got.Errors, len(got.Findings))
	}
	if g, w := keys(got), keys(want); !slices.Equal(g, w) {
		t.Errorf("overlay findings differ from the built YAML's:\n got %q\nwant %q", g, w)
	}
	base := filepath.Join(overlay, "..", "..", "base", "orders-api.yaml")
	lines := strings.Split(readFile(t, base), "\n")
	for _, f := range got.Findings {
		if f.Location.File != base {
			t.Errorf("%s located in %q, want %s", f.CheckID, f.Location.File, base)
		}
		if f.Field != "" && strings.HasSuffix(f.Field, "runAsUser") {
			if l := f.Location.Line; l == 0 || !strings.Contains(lines[l-1], "runAsUser") {
				t.Errorf("runAsUser finding at line %d", l)
			}
		}
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRenderErrors: a chart that does not render and a kustomization that
// does not build, or names a remote base, are input errors naming the
// path, with the tool's message.
func TestRenderErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n")
	write("chart/templates/x.yaml", "{{ fail \"the image tag is required\" }}\n")
	write("syntax/Chart.yaml", "apiVersion: v2\nname: s\nversion: 0.1.0\n")
	write("syntax/templates/x.yaml", "{{ if }}\n")
	write("kbad/kustomization.yaml", "resources: [missing.yaml]\n")
	write("kremote/kustomization.yaml", "resources:\n- github.com/example/repo//deploy?ref=v1\n")
	write("kurl/kustomization.yaml", "resources: [https://example.com/x.yaml]\n")
	for name, want := range map[string]string{
		"chart":   "the image tag is required",
		"syntax":  "parse error",
		"kbad":    "kustomize build failed",
		"kremote": "remote resource",
		"kurl":    "does not fetch it",
	} {
		p := filepath.Join(dir, name)
		rep, err := Manifests(context.Background(), []string{p}, renderOptions(RenderFlags{}))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Errors) != 1 || rep.Errors[0].File != p || !strings.Contains(rep.Errors[0].Message, want) {
			t.Errorf("%s: errors %+v, want one naming it with %q", name, rep.Errors, want)
		}
	}
}

// TestNestedChart: a chart inside a directory being scanned is rendered,
// not read as YAML (its templates are not), and is found the same.
func TestNestedChart(t *testing.T) {
	helm := filepath.Join("..", "..", "examples", "helm")
	got := scanPaths(t, RenderFlags{}, helm)
	want := scanPaths(t, RenderFlags{}, filepath.Join(helm, "contoso-pets"))
	if len(got.Errors) > 0 || len(got.Findings) == 0 {
		t.Fatalf("errors %+v, %d findings", got.Errors, len(got.Findings))
	}
	if g, w := keys(got), keys(want); !slices.Equal(g, w) {
		t.Errorf("nested chart findings differ:\n got %q\nwant %q", g, w)
	}
}
