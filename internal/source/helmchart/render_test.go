package helmchart

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
)

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDependencies: a subchart in charts/ renders with its values scoped
// under its name, is named by its own template file with that file's
// text, and its condition turns it off.
func TestDependencies(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "app")
	write(t, filepath.Join(dir, "Chart.yaml"), "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n- name: db\n  version: 0.1.0\n  condition: db.enabled\n")
	write(t, filepath.Join(dir, "values.yaml"), "db: {enabled: true, image: mongo:7}\n")
	write(t, filepath.Join(dir, "templates", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n")
	sub := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n    - name: db\n      image: {{ .Values.image }}\n"
	write(t, filepath.Join(dir, "charts", "db", "Chart.yaml"), "apiVersion: v2\nname: db\nversion: 0.1.0\n")
	write(t, filepath.Join(dir, "charts", "db", "templates", "pod.yaml"), sub)

	docs, err := Render(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var pod string
	for _, d := range docs {
		if d.Name == filepath.Join(dir, "charts", "db", "templates", "pod.yaml") {
			pod = string(d.Data)
			if string(d.Source) != sub {
				t.Errorf("subchart template source %q", d.Source)
			}
		}
	}
	if !strings.Contains(pod, "image: mongo:7") {
		t.Fatalf("subchart not rendered with its values: %+v", docs)
	}
	docs, err = Render(t.Context(), dir, Options{Set: []string{"db.enabled=false"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if strings.Contains(d.Name, "charts") {
			t.Errorf("disabled subchart rendered: %s", d.Name)
		}
	}
}

// TestPackagedChart: a .tgz renders like its directory; documents are
// named by the path inside the archive.
func TestPackagedChart(t *testing.T) {
	ch, err := loader.Load(filepath.Join("..", "..", "..", "examples", "helm", "contoso-pets"))
	if err != nil {
		t.Fatal(err)
	}
	tgz, err := chartutil.Save(ch, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	docs, err := Render(t.Context(), tgz, Options{ReleaseName: "shop", Namespace: "pets"})
	if err != nil {
		t.Fatal(err)
	}
	if !IsChart(tgz) || len(docs) != 1 || docs[0].Name != filepath.Join(tgz, "contoso-pets", "templates", "storefront.yaml") ||
		!strings.Contains(string(docs[0].Data), "namespace: pets") || len(docs[0].Source) == 0 {
		t.Fatalf("got %+v", docs)
	}
}

// TestOffline: lookup finds nothing and getHostByName resolves nothing.
func TestOffline(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	write(t, filepath.Join(dir, "Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\n")
	write(t, filepath.Join(dir, "templates", "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  secret: {{ lookup \"v1\" \"Secret\" \"default\" \"x\" | toJson | quote }}\n  ip: {{ getHostByName \"localhost\" | quote }}\n")
	docs, err := Render(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(docs[0].Data); !strings.Contains(got, `secret: "{}"`) || !strings.Contains(got, `ip: ""`) {
		t.Errorf("rendered %s", got)
	}
}
