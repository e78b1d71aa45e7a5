package adversarial

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Hostile and degenerate manifest input (issue 11 §1, §2): YAML bombs by
// nodes and by bytes, merge-key bombs, Lists and directories of bombs that
// must share one budget, deep nesting, huge scalars and files, FIFOs and
// devices, and input with nothing in it. Each run must end in exit 2 with
// `file:line: what limit` (or the documented result) within 10 s and 64 MiB
// plus 20× its input in memory. -f json sends input errors to stderr.

const yamlHead = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n"

// memFactor is the documented memory bound: 64 MiB plus this many times
// the input's size.
const memFactor = 20

func aliases(name string, n int) string {
	return "[" + strings.TrimSuffix(strings.Repeat("*"+name+",", n), ",") + "]"
}

// writeGenerated streams generated input to a file and returns its path
// and size. Inputs are never built in memory: the harness's peak RSS
// includes this process's own peak (a vfork child carries its parent's
// high-water mark through exec), so the test process must stay small.
func writeGenerated(t *testing.T, name string, gen func(w *bufio.Writer)) (string, int64) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	gen(w)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p, size(t, p)
}

// repeat writes s n times.
func repeat(w *bufio.Writer, s string, n int) {
	for range n {
		w.WriteString(s)
	}
}

func scanFile(t *testing.T, path string, extra ...string) Result {
	t.Helper()
	return Run(t, Limits{}, nil, append([]string{"scan", "manifests", path, "-f", "json"}, extra...)...)
}

func size(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}

const expansionLimit = "alias and merge-key expansion exceeds the limit of"

// TestYAMLBillionLaughs: nine levels of nine aliases, 9^9 nodes from 1 KB.
func TestYAMLBillionLaughs(t *testing.T) {
	doc := yamlHead + `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n"
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		doc += name + ": &" + name + " " + aliases(prev, 9) + "\n"
		prev = name
	}
	p := WriteFile(t, t.TempDir(), "laughs.yaml", []byte(doc))
	r := scanFile(t, p)
	ExpectBoundError(t, r, size(t, p), memFactor, "laughs.yaml:", expansionLimit)
}

// TestYAMLBytesBomb: few nodes, many bytes. A 1 MB file whose 1,000
// aliases to a 1 MB scalar stood for 1 GB under a node limit.
func TestYAMLBytesBomb(t *testing.T) {
	p, n := writeGenerated(t, "bytes.yaml", func(w *bufio.Writer) {
		w.WriteString(yamlHead + "big: &big \"")
		repeat(w, "x", 1<<20)
		w.WriteString("\"\nmany: " + aliases("big", 1000) + "\n")
	})
	ExpectBoundError(t, scanFile(t, p), n, memFactor, "bytes.yaml:5: "+expansionLimit)
}

// TestYAMLMergeKeyBomb: merges of merges reached through aliases, both the
// kind that visits exponentially many nodes and the kind that writes a
// long value once per merge.
func TestYAMLMergeKeyBomb(t *testing.T) {
	doc := yamlHead + "a: &a {x: 1}\n"
	prev := "a"
	for i := range 40 {
		name := fmt.Sprintf("m%d", i)
		doc += name + ": &" + name + " {<<: " + aliases(prev, 9) + "}\n"
		prev = name
	}
	doc += "use: " + aliases(prev, 9) + "\n"
	p := WriteFile(t, t.TempDir(), "merges.yaml", []byte(doc))
	ExpectBoundError(t, scanFile(t, p), size(t, p), memFactor, "merges.yaml:", expansionLimit)

	p, n := writeGenerated(t, "mergebytes.yaml", func(w *bufio.Writer) {
		w.WriteString(yamlHead + "base: &base {k: \"")
		repeat(w, "x", 1<<20)
		w.WriteString("\"}\nm: &m {<<: *base}\nmerged:\n")
		for i := range 1000 {
			fmt.Fprintf(w, "  m%d: {<<: *m}\n", i)
		}
	})
	ExpectBoundError(t, scanFile(t, p), n, memFactor, "mergebytes.yaml:", expansionLimit)
}

// TestYAMLListSharesBudget: each item of a List once got a fresh budget, so
// 2,000 items of 1.3 MB expansion each (2.6 GB) passed item by item.
func TestYAMLListSharesBudget(t *testing.T) {
	p, n := writeGenerated(t, "list.yaml", func(w *bufio.Writer) {
		w.WriteString("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: anchor}\n  data: {k: &a \"")
		repeat(w, "y", 64<<10)
		w.WriteString("\"}\n")
		for i := range 2000 {
			fmt.Fprintf(w, "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c%d}\n  x: %s\n", i, aliases("a", 20))
		}
	})
	ExpectBoundError(t, scanFile(t, p), n, memFactor, "list.yaml:", expansionLimit, "per run")
}

// TestYAMLDirectorySharesBudget: the files of one run share the budget too.
func TestYAMLDirectorySharesBudget(t *testing.T) {
	dir := t.TempDir()
	one := yamlHead + "a: &a \"" + strings.Repeat("y", 64<<10) + "\"\nx: " + aliases("a", 30) + "\n"
	var total int64
	for i := range 100 {
		total += size(t, WriteFile(t, dir, fmt.Sprintf("f%03d.yaml", i), []byte(one)))
	}
	ExpectBoundError(t, scanFile(t, dir), total, memFactor, expansionLimit, "per run")
}

// TestYAMLDeepNesting: nesting beyond 128 levels is refused at its line.
func TestYAMLDeepNesting(t *testing.T) {
	p, n := writeGenerated(t, "deep.yaml", func(w *bufio.Writer) {
		w.WriteString(yamlHead + "x: ")
		repeat(w, "[", 5000)
		repeat(w, "]", 5000)
		w.WriteString("\n")
	})
	ExpectBoundError(t, scanFile(t, p), n, memFactor, "deep.yaml:4: nesting deeper than 128 levels")

	p, n = writeGenerated(t, "deepblock.yaml", func(w *bufio.Writer) {
		w.WriteString(yamlHead + "x:\n")
		for i := range 3000 {
			repeat(w, " ", i+2)
			w.WriteString("k:\n")
		}
	})
	ExpectBoundError(t, scanFile(t, p), n, memFactor, "deepblock.yaml:", "nesting deeper than 128 levels")
}

// TestYAMLDenseDocuments: a node can take two bytes of input, and the YAML
// parser's node tree about 150 times that: 8 MB of "1," took 1.3 GiB.
// Documents far denser than manifests are refused before they are parsed.
func TestYAMLDenseDocuments(t *testing.T) {
	for name, gen := range map[string]func(w *bufio.Writer){
		"flow.yaml":  func(w *bufio.Writer) { w.WriteString(yamlHead + "x: ["); repeat(w, "1,", 4<<20); w.WriteString("1]\n") },
		"block.yaml": func(w *bufio.Writer) { w.WriteString(yamlHead + "x:\n"); repeat(w, "- 1\n", 2<<20) },
		"keys.yaml": func(w *bufio.Writer) {
			w.WriteString(yamlHead + "data:\n")
			for i := range 1 << 20 {
				fmt.Fprintf(w, "  k%d: v\n", i)
			}
		},
		"min.json": func(w *bufio.Writer) {
			w.WriteString(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"m"},"data":{`)
			for i := range 1 << 20 {
				fmt.Fprintf(w, `"%d":"v",`, i)
			}
			w.WriteString(`"end":"v"}}`)
		},
	} {
		p, n := writeGenerated(t, name, gen)
		ExpectBoundError(t, scanFile(t, p), n, memFactor, name+":1: document of", "allowed for its size")
	}
}

// TestYAMLHugeScalars: a scalar just under --max-file-size is read within
// the time and memory bound; a file over it is refused unread.
func TestYAMLHugeScalars(t *testing.T) {
	// With every check: K8S-072 reads ConfigMap values whole, as one
	// string and as a configuration file of many lines.
	for name, gen := range map[string]func(w *bufio.Writer){
		"huge.yaml": func(w *bufio.Writer) {
			w.WriteString(yamlHead + "data:\n  blob: \"")
			repeat(w, strings.Repeat("z", 1<<10), 60<<10)
			w.WriteString("\"\n")
		},
		"config.yaml": func(w *bufio.Writer) {
			w.WriteString(yamlHead + "data:\n  app.properties: |\n")
			repeat(w, "    setting.name.x: some-value # comment\n", 60<<20/40)
		},
	} {
		p, n := writeGenerated(t, name, gen)
		// 10 CPU-seconds, enforced by the kernel: wall time on a shared
		// CI machine would make the bound flaky, CPU time does not.
		r := Run(t, Limits{CPU: 10, Wall: 40 * time.Second}, nil, "scan", "manifests", p, "-f", "json")
		if r.Code != 0 {
			t.Errorf("%s: exit %d, want 0; %s", name, r.Code, r)
		}
		ExpectNoPanic(t, r)
		ExpectRSS(t, r, n, memFactor)
	}

	p, _ := writeGenerated(t, "over.yaml", func(w *bufio.Writer) {
		w.WriteString(yamlHead + "# ")
		repeat(w, strings.Repeat("z", 1<<10), 65<<10)
	})
	ExpectBoundError(t, scanFile(t, p), 0, 0, "over.yaml: file is 65.0 MiB, larger than the 64.0 MiB limit (--max-file-size)")
}

// TestNonRegularInputs: a FIFO blocks a reader until a writer comes and
// /dev/zero never ends. Named directly or through a symlink they are input
// errors; found in a directory they are skipped with a warning. None blocks.
func TestNonRegularInputs(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	link := filepath.Join(dir, "link.yaml")
	zero := filepath.Join(dir, "zero.yaml")
	for old, name := range map[string]string{fifo: link, "/dev/zero": zero} {
		if err := os.Symlink(old, name); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct{ path, want string }{
		{fifo, "pipe.yaml: a named pipe (FIFO), not a regular file: only regular files are read"},
		{link, "link.yaml: a named pipe (FIFO), not a regular file"},
		{zero, "zero.yaml: a device, not a regular file"},
	} {
		ExpectBoundError(t, scanFile(t, tt.path), 0, 0, tt.want)
	}

	tree := filepath.Join(dir, "tree")
	WriteFile(t, tree, "ok.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n"))
	if err := syscall.Mkfifo(filepath.Join(tree, "fifo.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, old := range []string{fifo, "/dev/zero"} {
		if err := os.Symlink(old, filepath.Join(tree, fmt.Sprintf("link%d.yaml", i))); err != nil {
			t.Fatal(err)
		}
	}
	r := scanFile(t, tree)
	if r.Code != 0 || strings.Count(r.Stderr, "not a regular file: only regular files are read (use - for standard input); not read") != 3 {
		t.Errorf("want exit 0 and a warning for each of the three non-regular files; %s", r)
	}
	ExpectNoPanic(t, r)
	ExpectRSS(t, r, 0, 0)
}

// TestEmptyInputs: nothing to check is exit 2, never a pass.
func TestEmptyInputs(t *testing.T) {
	dir := t.TempDir()
	empty := WriteFile(t, dir, "empty.yaml", nil)
	emptyDir := filepath.Join(dir, "emptydir")
	if err := os.Mkdir(emptyDir, 0o755); err != nil {
		t.Fatal(err)
	}
	noYAML := filepath.Join(dir, "docs")
	WriteFile(t, noYAML, "README.md", []byte("# no manifests here\n"))
	values := WriteFile(t, dir, "values.yaml", []byte("replicaCount: 1\nimage: {tag: x}\n"))
	for _, p := range []string{empty, emptyDir, noYAML, values} {
		ExpectBoundError(t, scanFile(t, p), 0, 0, filepath.Base(p)+": no Kubernetes objects found", "--allow-empty")
	}
	r := Run(t, Limits{}, bytes.NewReader(nil), "scan", "manifests", "-", "-f", "json")
	ExpectBoundError(t, r, 0, 0, "<stdin>: no Kubernetes objects found", "check that it succeeded")
	if r := Run(t, Limits{}, bytes.NewReader(nil), "scan", "manifests", "-", "--allow-empty"); r.Code != 0 {
		t.Errorf("--allow-empty: %s", r)
	}
}

// TestLargeManifests measures realistic input: hardened Deployments and
// Services, about 8 MB, within 10 s and the memory bound.
func TestLargeManifests(t *testing.T) {
	p, n := writeGenerated(t, "large.yaml", func(w *bufio.Writer) {
		for i, written := 0, 0; written < 8<<20; i++ {
			k, _ := fmt.Fprintf(w, largeDeployment, i, i%50)
			written += k
		}
	})
	r := Run(t, Limits{}, nil, "scan", "manifests", p, "-f", "json", "-o", filepath.Join(t.TempDir(), "r.json"))
	if r.Code != 0 && r.Code != 1 {
		t.Errorf("exit %d; %s", r.Code, r)
	}
	ExpectNoPanic(t, r)
	ExpectRSS(t, r, n, memFactor)
}

const largeDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-%[1]d
  namespace: shop-%[2]d
  labels: {app: web-%[1]d}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web-%[1]d}
  template:
    metadata:
      labels: {app: web-%[1]d}
    spec:
      serviceAccountName: web-%[1]d
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: app
        image: registry.example.com/shop/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        ports: [{containerPort: 8080}]
        env:
        - {name: LOG_LEVEL, value: info}
        - {name: DB_HOST, value: db-%[1]d.shop.svc}
        resources:
          requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 1Gi}
          limits: {cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
        readinessProbe:
          httpGet: {path: /healthz, port: 8080}
---
apiVersion: v1
kind: Service
metadata: {name: web-%[1]d, namespace: shop-%[2]d}
spec:
  selector: {app: web-%[1]d}
  ports: [{port: 80, targetPort: 8080}]
---
`
