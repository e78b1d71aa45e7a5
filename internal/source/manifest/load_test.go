package manifest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s}\n"

func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.yaml", strings.Replace(cm, "%s", "a", 1))
	writeFile(t, dir, "sub/b.yml", strings.Replace(cm, "%s", "b", 1))
	writeFile(t, dir, "sub/deeper/c.json", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}`)
	writeFile(t, dir, "sub/notes.txt", "not scanned")
	writeFile(t, dir, ".git/config.yaml", strings.Replace(cm, "%s", "hidden", 1))
	writeFile(t, dir, "charts/x/templates/d.yaml", strings.Replace(cm, "%s", "excluded", 1))
	writeFile(t, dir, "broken.yaml", "apiVersion: v1\nkind: Pod\n metadata: x\n")
	writeFile(t, dir, "values.yaml", "replicaCount: 1\n")

	res, err := Load(context.Background(), []string{dir}, Options{Exclude: []string{"**/charts/**"}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range res.Objects {
		names = append(names, o.Meta.Name)
	}
	if strings.Join(names, ",") != "a,b,c" {
		t.Errorf("objects = %v, want a,b,c", names)
	}
	if res.Files != 5 {
		t.Errorf("files = %d, want 5 (a, b, c, broken, values)", res.Files)
	}
	if len(res.Skipped) != 1 || !strings.HasSuffix(res.Skipped[0].File, "values.yaml") {
		t.Errorf("skipped = %+v", res.Skipped)
	}
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "broken.yaml:3:") {
		t.Errorf("errors = %v", res.Errors)
	}
}

func TestLoadInputs(t *testing.T) {
	dir := t.TempDir()
	named := writeFile(t, dir, "manifest.txt", strings.Replace(cm, "%s", "named", 1))
	big := writeFile(t, dir, "big.yaml", strings.Repeat("# padding\n", 200))

	res, err := Load(context.Background(), []string{named, "-", filepath.Join(dir, "missing.yaml"), big}, Options{
		Stdin:       strings.NewReader(strings.Replace(cm, "%s", "stdin", 1)),
		MaxFileSize: 1000,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Objects) != 2 || res.Objects[0].Meta.Name != "named" || res.Objects[1].Loc.File != "<stdin>" {
		t.Errorf("objects = %+v", res.Objects)
	}
	var msgs []string
	for _, e := range res.Errors {
		msgs = append(msgs, e.Error())
	}
	got := strings.Join(msgs, "\n")
	for _, want := range []string{"missing.yaml: no such file or directory", "big.yaml: file is 2.0 KiB, larger than the 1000 B limit"} {
		if !strings.Contains(got, want) {
			t.Errorf("errors %q lack %q", got, want)
		}
	}
}

func TestLoadStdinLimit(t *testing.T) {
	res, err := Load(context.Background(), []string{"-"}, Options{Stdin: strings.NewReader(strings.Repeat("a", 2000)), MaxFileSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), "<stdin>: input is larger than") {
		t.Errorf("errors = %v", res.Errors)
	}
}

func TestLoadBadExclude(t *testing.T) {
	if _, err := Load(context.Background(), []string{"."}, Options{Exclude: []string{"[unclosed"}}); err == nil {
		t.Error("bad glob accepted")
	}
}
