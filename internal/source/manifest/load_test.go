package manifest

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
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

// TestLoadNonRegularFiles: a FIFO blocks the reader until a writer comes
// and a device may never end. Named, through a symlink or found in a
// directory, neither may block the run: named ones are errors, found ones
// are skipped and listed.
func TestLoadNonRegularFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	tree := filepath.Join(dir, "tree")
	writeFile(t, tree, "ok.yaml", strings.Replace(cm, "%s", "ok", 1))
	if err := syscall.Mkfifo(filepath.Join(tree, "in-dir.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(fifo, filepath.Join(tree, "link.yml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(tree, "zero.json")); err != nil {
		t.Fatal(err)
	}

	done := make(chan *Result, 1)
	go func() {
		res, err := Load(context.Background(), []string{fifo, link, zero, tree}, Options{})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	var res *Result
	select {
	case res = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Load blocked on a FIFO or device")
	}
	if res == nil {
		return
	}
	if len(res.Objects) != 1 || res.Files != 1 {
		t.Errorf("objects %d files %d, want only ok.yaml", len(res.Objects), res.Files)
	}
	var errs []string
	for _, e := range res.Errors {
		errs = append(errs, e.Error())
	}
	got := strings.Join(errs, "\n")
	for _, want := range []string{
		fifo + ": a named pipe (FIFO), not a regular file",
		link + ": a named pipe (FIFO), not a regular file",
		zero + ": a device, not a regular file",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("errors %q lack %q", got, want)
		}
	}
	if len(res.Errors) != 3 {
		t.Errorf("errors = %q, want the three named files", got)
	}
	if len(res.Unread) != 3 {
		t.Fatalf("unread = %+v, want the FIFO, the link to it and the link to /dev/zero in the tree", res.Unread)
	}
	for _, s := range res.Unread {
		if !strings.Contains(s.Reason, "not a regular file") || !strings.HasPrefix(s.File, tree) {
			t.Errorf("skipped %+v", s)
		}
	}
}

// TestReadRejectsSwappedFile closes the gap between listing and reading:
// whatever the name is when it is opened, only a regular file is read.
func TestReadRejectsSwappedFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	fifo := filepath.Join(t.TempDir(), "swapped.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	done := make(chan Parsed, 1)
	go func() { done <- readAndParse(fifo, Options{MaxFileSize: DefaultMaxFileSize}, newBudget(DefaultLimits)) }()
	select {
	case p := <-done:
		if len(p.Errors) != 1 || !strings.Contains(p.Errors[0].Msg, "named pipe") {
			t.Errorf("errors = %v", p.Errors)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reading a FIFO blocked")
	}
}

// TestLoadEmpty: input with no Kubernetes object checks nothing, so it is
// an error unless the caller says empty input is expected.
func TestLoadEmpty(t *testing.T) {
	dir := t.TempDir()
	empty := writeFile(t, dir, "empty.yaml", "")
	comments := writeFile(t, dir, "comments.yaml", "# nothing\n---\n---\n")
	values := writeFile(t, dir, "values.yaml", "replicaCount: 1\n---\n- a\n")
	emptyDir := filepath.Join(dir, "emptydir")
	noYAML := filepath.Join(dir, "noyaml")
	writeFile(t, noYAML, "README.md", "# docs\n")
	if err := os.Mkdir(emptyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		paths []string
		stdin string
		want  string
	}{
		{"empty file", []string{empty}, "", empty + ": no Kubernetes objects found (1 file, 0 documents, 0 skipped"},
		{"only comments", []string{comments}, "", "no Kubernetes objects found (1 file, 2 documents, 0 skipped"},
		{"not Kubernetes", []string{values}, "", "(1 file, 2 documents, 2 skipped as not Kubernetes objects): nothing was checked"},
		{"empty directory", []string{emptyDir}, "", emptyDir + ": no Kubernetes objects found (0 files"},
		{"no YAML", []string{noYAML}, "", "no Kubernetes objects found (0 files"},
		{"empty stdin", []string{"-"}, "", "<stdin>: no Kubernetes objects found (1 file, 0 documents, 0 skipped as not Kubernetes objects): nothing was checked; if a command pipes into bulwark, check that it succeeded; pass --allow-empty"},
		{"all of them", []string{empty, emptyDir, "-"}, "", empty + ", " + emptyDir + ", <stdin>: no Kubernetes objects found (2 files"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Load(context.Background(), tt.paths, Options{Stdin: strings.NewReader(tt.stdin)})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Error(), tt.want) {
				t.Errorf("errors = %v, want %q", res.Errors, tt.want)
			}
			res, err = Load(context.Background(), tt.paths, Options{Stdin: strings.NewReader(tt.stdin), AllowEmpty: true})
			if err != nil || len(res.Errors) != 0 {
				t.Errorf("with AllowEmpty: %v %v", err, res.Errors)
			}
		})
	}
	// One object anywhere is enough; an error elsewhere is reported alone.
	res, _ := Load(context.Background(), []string{empty, writeFile(t, dir, "one.yaml", strings.Replace(cm, "%s", "one", 1))}, Options{})
	if len(res.Errors) != 0 {
		t.Errorf("errors = %v", res.Errors)
	}
	res, _ = Load(context.Background(), []string{empty, filepath.Join(dir, "missing.yaml")}, Options{})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Msg, "no such file") {
		t.Errorf("errors = %v", res.Errors)
	}
}
