package manifest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestSplitParseEqualsWhole: a large file parsed in pieces, in parallel,
// gives exactly what parsing it whole gives: objects, their lines and
// field positions, skipped documents, not-assessed objects and errors,
// including a syntax error that ends the file.
func TestSplitParseEqualsWhole(t *testing.T) {
	var b strings.Builder
	for i := range 300 {
		switch i % 6 {
		case 0:
			fmt.Fprintf(&b, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d%d}\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: x:%d\n        securityContext: &sc {privileged: true}\n      - {name: d, image: y, securityContext: *sc}\n---\n", i, i)
		case 1:
			fmt.Fprintf(&b, "# comment\n%%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d}\ndata:\n  script: |\n    ---\n    echo %d\n---\n", i, i)
		case 2:
			fmt.Fprintf(&b, "replicaCount: %d\n---\n", i)
		case 3:
			fmt.Fprintf(&b, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w%d}\nnote: ---x\n---\n", i)
		case 4:
			fmt.Fprintf(&b, "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ServiceAccount, metadata: {name: sa%d}}\n--- \n", i)
		case 5:
			fmt.Fprintf(&b, "apiVersion: v1\nkind: Deployment\nmetadata: {name: bad%d}\n...\n---\n", i)
		}
	}
	whole := b.String()
	broken := whole[:len(whole)/2] + "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n---\n" + whole[len(whole)/2:]

	defer func(old int) { splitSize = old }(splitSize)
	for _, data := range []string{whole, broken} {
		splitSize = 1 << 30
		want := Parse("s.yaml", []byte(data), DefaultLimits)
		splitSize = 2 << 10
		if n := len(splitDocuments([]byte(data), splitSize, 2)); n < 4 {
			t.Fatalf("split into %d pieces", n)
		}
		got := Parse("s.yaml", []byte(data), DefaultLimits)
		if len(want.Objects) < 100 || len(got.Objects) != len(want.Objects) {
			t.Fatalf("objects: whole %d, in pieces %d", len(want.Objects), len(got.Objects))
		}
		for i, o := range got.Objects {
			w := want.Objects[i]
			if o.Subject() != w.Subject() || o.Loc != w.Loc {
				t.Errorf("object %d: %v at %v, want %v at %v", i, o.Subject(), o.Loc, w.Subject(), w.Loc)
			}
			path := "spec.template.spec.containers[1].securityContext"
			if o.Locate(path) != w.Locate(path) {
				t.Errorf("%v: %s at %v, want %v", o.Subject(), path, o.Locate(path), w.Locate(path))
			}
		}
		if got.Documents != want.Documents || !reflect.DeepEqual(got.Skipped, want.Skipped) ||
			!reflect.DeepEqual(got.NotAssessed, want.NotAssessed) || !reflect.DeepEqual(got.Errors, want.Errors) {
			t.Errorf("documents %d/%d\nskipped %v\n   want %v\nnot assessed %v\n        want %v\nerrors %v\n  want %v",
				got.Documents, want.Documents, got.Skipped, want.Skipped, got.NotAssessed, want.NotAssessed, got.Errors, want.Errors)
		}
	}
}

// TestDocumentStart: only marker lines are cut at, never "---x" or a
// marker whose document has a directive before it.
func TestDocumentStart(t *testing.T) {
	data := "a: 1\n---x: 2\n%YAML 1.1\n---\nb: 2\n---\nc: 3\n"
	if got, want := documentStart([]byte(data), 0), strings.LastIndex(data, "---"); got != want {
		t.Errorf("cut at %d, want %d", got, want)
	}
	if got := documentStart([]byte("a: 1\n--- # end\n"), 0); got != 5 {
		t.Errorf("cut at %d, want 5", got)
	}
	if got := documentStart([]byte("a: 1\n---"), 0); got != 5 {
		t.Errorf("marker at the end: cut at %d, want 5", got)
	}
}
