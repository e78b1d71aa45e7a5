package manifest

import (
	"strings"
	"testing"
)

const tmpl = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Values.name }}
  labels:
    {{- include "labels" . | nindent 4 }}
spec:
  template:
    spec:
      containers:
        {{- range .Values.containers }}
        - name: {{ .name }}
          image: {{ .image }}
        {{- end }}
`

const out = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/part-of: shop
spec:
  template:
    spec:
      containers:
        - name: a
          image: a:1
        - name: b
          image: b:1
`

// TestLineMap: literal and framed lines map to the template, loops map
// every round to the loop body, text from a helper maps to nothing.
func TestLineMap(t *testing.T) {
	m := newLineMap([]byte(out), []byte(tmpl))
	for rendered, want := range map[int]int{1: 1, 2: 2, 4: 4, 6: 0, 7: 7, 11: 12, 12: 13, 13: 12, 14: 13} {
		if got := m.line(rendered); got != want {
			t.Errorf("rendered line %d (%q) → %d, want %d", rendered, strings.Split(out, "\n")[rendered-1], got, want)
		}
	}
	if m.line(0) != 0 || m.line(1000) != 0 || lineMap(nil).line(3) != 0 {
		t.Error("out of range lines must be unknown")
	}
}

// FuzzLineMap: any rendered text and template give lines of the template
// or 0, in bounded time.
func FuzzLineMap(f *testing.F) {
	f.Add([]byte(out), []byte(tmpl))
	f.Add([]byte("a: {{\n}}"), []byte("{{ }}{{\n- x"))
	f.Fuzz(func(t *testing.T, rendered, source []byte) {
		if len(rendered) > 1<<16 || len(source) > 1<<16 {
			return
		}
		m := newLineMap(rendered, source)
		n := strings.Count(string(source), "\n") + 1
		for i := range strings.Count(string(rendered), "\n") + 2 {
			if l := m.line(i); l < 0 || l > n {
				t.Fatalf("line %d → %d, outside the %d-line source", i, l, n)
			}
		}
		p := parseRendered(Rendered{Name: "t.yaml", Data: rendered, Source: source}, newBudget(DefaultLimits))
		for _, o := range p.Objects {
			if l := o.Locate("spec").Line; l < 0 || l > n {
				t.Fatalf("object located at line %d of a %d-line source", l, n)
			}
		}
	})
}
