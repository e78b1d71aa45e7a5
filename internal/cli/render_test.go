package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderInputErrors: a chart that does not render, a kustomization
// that does not build, Bicep given to scan aks and a .tf file with a
// syntax error each exit 2 with the tool's message (the file and line
// for .tf); the example chart, overlay and the rendered flags work end
// to end.
func TestRenderInputErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n")
	write("chart/templates/x.yaml", "{{ required \"tag is required\" .Values.tag }}\n")
	write("k/kustomization.yaml", "resources: [gone.yaml]\n")
	bicep := write("main.bicep", "param x string\n")
	tf := write("main.tf", "resource \"azurerm_kubernetes_cluster\" \"x\" {\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"scan", "manifests", filepath.Join(dir, "chart")}, "tag is required"},
		{[]string{"scan", "manifests", filepath.Join(dir, "k")}, "kustomize build failed"},
		{[]string{"scan", "aks", bicep}, "az bicep build --file " + bicep + " --stdout"},
		{[]string{"scan", "aks", tf}, tf + ":1: Unclosed configuration block"},
	} {
		code, out, errs := run(t, "", c.args...)
		if code != 2 || !strings.Contains(out+errs, c.want) {
			t.Errorf("%q: exit %d, want 2 and %q in\n%s%s", c.args, code, c.want, out, errs)
		}
	}
	chart := filepath.Join("..", "..", "examples", "helm", "contoso-pets")
	code, out, errs := run(t, "", "scan", "manifests", chart, "--set", "service.type=ClusterIP", "--release-name", "shop", "--namespace", "pets", "--kube-version", "1.33.0", "-f", "json")
	if code != 1 || !strings.Contains(out, `"namespace": "pets"`) || strings.Contains(out, `"checkID": "K8S-085"`) || !strings.Contains(out, "templates/storefront.yaml") {
		t.Errorf("chart with flags: exit %d\n%.2000s%s", code, out, errs)
	}
	code, out, errs = run(t, "", "scan", "manifests", chart, "--kube-version", "banana")
	if code != 2 || !strings.Contains(out+errs, "--kube-version") {
		t.Errorf("bad --kube-version: exit %d %s", code, errs)
	}
}
