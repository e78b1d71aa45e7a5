package kustomize

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
`

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBuildNamesOrigin: an overlay's object is named by the base file it
// came from, and the annotation Bulwark asked for is not in the object.
func TestBuildNamesOrigin(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"base/kustomization.yaml":    "resources: [web.yaml]\n",
		"base/web.yaml":              deployment,
		"overlay/kustomization.yaml": "resources: [../base]\nnamespace: prod\n",
	})
	docs, err := Build(filepath.Join(dir, "overlay"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Fatalf("%d documents, want 1", len(docs))
	}
	if want := filepath.Join(dir, "overlay", "..", "base", "web.yaml"); filepath.Clean(docs[0].Name) != filepath.Clean(want) {
		t.Errorf("named %s, want %s", docs[0].Name, want)
	}
	if strings.Contains(string(docs[0].Data), originAnnotation) {
		t.Errorf("the origin annotation leaked into the object:\n%s", docs[0].Data)
	}
	if !strings.Contains(string(docs[0].Data), "namespace: prod") {
		t.Errorf("overlay not applied:\n%s", docs[0].Data)
	}
	if len(docs[0].Source) == 0 {
		t.Error("no source text for locating lines")
	}
}

// TestBuildBounded: every way a kustomization can make the build read or
// hold without bound is refused with a message naming the limit; before
// the limits, a FIFO blocked the build forever and a sparse file was read
// whole.
func TestBuildBounded(t *testing.T) {
	small := Limits{MaxFileSize: 4 << 10, MaxRead: 16 << 10, MaxOutput: 8 << 10}
	cases := map[string]struct {
		files map[string]string
		setup func(t *testing.T, dir string)
		want  string
	}{
		"fifo resource": {
			files: map[string]string{"kustomization.yaml": "resources: [pipe.yaml]\n"},
			setup: func(t *testing.T, dir string) {
				if err := syscall.Mkfifo(filepath.Join(dir, "pipe.yaml"), 0o644); err != nil {
					t.Skip("no FIFOs here:", err)
				}
			},
			want: "not a regular file",
		},
		"fifo kustomization": {
			setup: func(t *testing.T, dir string) {
				if err := syscall.Mkfifo(filepath.Join(dir, "kustomization.yaml"), 0o644); err != nil {
					t.Skip("no FIFOs here:", err)
				}
			},
			want: "not a regular file",
		},
		"sparse file": {
			files: map[string]string{"kustomization.yaml": "resources: [big.yaml]\n"},
			setup: func(t *testing.T, dir string) {
				f, err := os.Create(filepath.Join(dir, "big.yaml"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if err := f.Truncate(1 << 30); err != nil {
					t.Fatal(err)
				}
			},
			want: "larger than the",
		},
		"configMapGenerator of a huge file": {
			files: map[string]string{"kustomization.yaml": "configMapGenerator:\n- name: c\n  files: [data.txt]\n"},
			setup: func(t *testing.T, dir string) {
				if err := os.WriteFile(filepath.Join(dir, "data.txt"), make([]byte, 5<<10), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			want: "larger than the",
		},
		"many files in all": {
			files: func() map[string]string {
				fs := map[string]string{}
				var res []string
				for i := range 8 {
					name := filepath.Join("d", strings.Repeat("x", i+1)+".yaml")
					fs[name] = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c" + strings.Repeat("x", i+1) + "}\ndata: {a: \"" + strings.Repeat("a", 3<<10) + "\"}\n"
					res = append(res, name)
				}
				fs["kustomization.yaml"] = "resources: [" + strings.Join(res, ", ") + "]\n"
				return fs
			}(),
			want: "reads more than",
		},
		"output multiplied by overlays": {
			files: func() map[string]string {
				fs := map[string]string{
					"base/kustomization.yaml": "resources: [cm.yaml]\n",
					"base/cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: \"" + strings.Repeat("a", 3<<10) + "\"}\n",
				}
				var res []string
				for _, o := range []string{"a", "b", "c", "d"} {
					fs["o"+o+"/kustomization.yaml"] = "resources: [../base]\nnamePrefix: " + o + "-\n"
					res = append(res, "o"+o)
				}
				fs["kustomization.yaml"] = "resources: [" + strings.Join(res, ", ") + "]\n"
				return fs
			}(),
			want: "more than 0 MiB of objects",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, c.files)
			if c.setup != nil {
				c.setup(t, dir)
			}
			_, err := Build(dir, small)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one containing %q", err, c.want)
			}
		})
	}
}
