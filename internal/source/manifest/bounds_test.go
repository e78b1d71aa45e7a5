package manifest

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

const bombHead = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n"

// aliasList is a flow list of n aliases to name.
func aliasList(name string, n int) string {
	return "[" + strings.TrimSuffix(strings.Repeat("*"+name+",", n), ",") + "]"
}

func wantBoundError(t *testing.T, errs []*Error, file string) {
	t.Helper()
	if len(errs) == 0 {
		t.Fatal("expansion beyond the budget was accepted")
	}
	for _, e := range errs {
		if e.File != file || e.Line == 0 || !strings.Contains(e.Msg, "alias and merge-key expansion exceeds the limit of") {
			t.Errorf("error %v is not %s:line: the expansion limit", e, file)
		}
	}
}

// TestExpansionBoundedByBytes: few nodes can stand for many bytes (an
// alias to a long scalar, repeated); counting nodes alone let a file of a
// few hundred KB expand to GBs.
func TestExpansionBoundedByBytes(t *testing.T) {
	doc := bombHead + "big: &big \"" + strings.Repeat("x", 200<<10) + "\"\nmany: " + aliasList("big", 50) + "\n"
	p := Parse("bytes.yaml", []byte(doc), DefaultLimits)
	wantBoundError(t, p.Errors, "bytes.yaml")
	if p.Errors[0].Line != 5 {
		t.Errorf("error at line %d, want 5 (the list of aliases)", p.Errors[0].Line)
	}

	// The same through merge keys: each merge writes the long value again.
	doc = bombHead + "base: &base {k: \"" + strings.Repeat("x", 200<<10) + "\"}\nmerged:\n"
	for i := range 50 {
		doc += fmt.Sprintf("  m%d: {<<: *base}\n", i)
	}
	p = Parse("merge.yaml", []byte(doc), DefaultLimits)
	wantBoundError(t, p.Errors, "merge.yaml")

	// An anchor used a few times, as real manifests do, is fine.
	doc = bombHead + "base: &base {k: \"" + strings.Repeat("x", 200<<10) + "\"}\nuses: " + aliasList("base", 4) + "\n"
	if p := Parse("ok.yaml", []byte(doc), DefaultLimits); len(p.Errors) != 0 {
		t.Errorf("ordinary alias use rejected: %v", p.Errors)
	}
}

// TestExpansionBudgetPerRun: the items of a List, the documents of a file
// and the files of a directory draw on one budget; a fresh one each let a
// List of a thousand small bombs do a thousand times the work.
func TestExpansionBudgetPerRun(t *testing.T) {
	item := func(i int, ref string) string {
		return fmt.Sprintf("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c%d}\n  x: %s\n", i, ref)
	}
	// Each item expands about 330 KB: far under the limit alone, over it
	// together.
	list := "apiVersion: v1\nkind: List\nitems:\n" +
		"- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: anchor}\n  x: &a \"" + strings.Repeat("y", 32<<10) + "\"\n"
	for i := range 20 {
		list += item(i, aliasList("a", 10))
	}
	p := Parse("list.yaml", []byte(list), DefaultLimits)
	wantBoundError(t, p.Errors, "list.yaml")
	if len(p.Objects) > 10 {
		t.Errorf("%d items decoded: the budget is not shared", len(p.Objects))
	}

	docs := ""
	for i := range 20 {
		docs += fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d%d}\na: &a \"%s\"\nx: %s\n---\n", i, strings.Repeat("y", 32<<10), aliasList("a", 10))
	}
	p = Parse("docs.yaml", []byte(docs), DefaultLimits)
	wantBoundError(t, p.Errors, "docs.yaml")

	dir := t.TempDir()
	one := bombHead + "a: &a \"" + strings.Repeat("y", 32<<10) + "\"\nx: " + aliasList("a", 30) + "\n"
	for i := range 4 {
		writeFile(t, dir, fmt.Sprintf("f%d.yaml", i), one)
	}
	for i := range 4 {
		if p := Parse("alone.yaml", []byte(one), DefaultLimits); len(p.Errors) != 0 {
			t.Fatalf("file %d alone rejected: %v", i, p.Errors)
		}
	}
	res, err := Load(context.Background(), []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) == 0 {
		t.Fatal("four files each within the budget, together beyond it, were accepted")
	}
	for _, e := range res.Errors {
		if filepath.Dir(e.File) != dir || !strings.Contains(e.Msg, "per run") {
			t.Errorf("error %v", e)
		}
	}
}

// TestMergeBombBounded: merges of merges visit exponentially many nodes
// while writing little; the visits are charged too.
func TestMergeBombBounded(t *testing.T) {
	doc := bombHead + "a: &a {x: 1}\n"
	prev := "a"
	for i := range 40 {
		name := fmt.Sprintf("m%d", i)
		doc += name + ": &" + name + " {<<: " + aliasList(prev, 9) + "}\n"
		prev = name
	}
	doc += "use: " + aliasList(prev, 9) + "\n"
	p := Parse("merge.yaml", []byte(doc), DefaultLimits)
	wantBoundError(t, p.Errors, "merge.yaml")
}

// TestDenseDocumentRefused: a node can take two bytes of input and the
// YAML parser's node tree a hundred times that, so a document far denser
// than manifests are is refused before it is parsed, at its first line;
// the documents after it are still read.
func TestDenseDocumentRefused(t *testing.T) {
	ok := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n"
	dense := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dense}\nx: [" + strings.Repeat("1,", 1<<20) + "1]\n---\n"
	after := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: after}\n"
	p := Parse("dense.yaml", []byte(ok+dense+after), DefaultLimits)
	if len(p.Errors) != 1 || p.Errors[0].Line != 5 || !strings.Contains(p.Errors[0].Msg, "holds about 10485") ||
		!strings.Contains(p.Errors[0].Msg, "allowed for its size (262144 plus one per 8 bytes)") {
		t.Fatalf("errors = %v", p.Errors)
	}
	if len(p.Objects) != 2 || p.Objects[1].Meta.Name != "after" || p.Objects[1].Loc.Line != 10 {
		t.Errorf("objects around the refused document: %d", len(p.Objects))
	}

	// As many bytes of ordinary manifests are read.
	var b strings.Builder
	for i := 0; b.Len() < len(dense); i++ {
		fmt.Fprintf(&b, "- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d%d, labels: {app: web}}\n  spec:\n    template:\n      spec:\n        containers:\n        - name: app\n          image: registry.example.com/web:1.0\n          ports: [{containerPort: 8080}]\n", i)
	}
	p = Parse("list.yaml", []byte("apiVersion: v1\nkind: List\nitems:\n"+b.String()), DefaultLimits)
	if len(p.Errors) != 0 || len(p.Objects) < 1000 {
		t.Errorf("ordinary List of %d bytes refused: %v", b.Len(), p.Errors)
	}
}
