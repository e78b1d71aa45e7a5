package adversarial

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// Template bombs (issue 17): a Helm chart is code run at scan time. Each
// must end in exit 2 naming the chart and the bound within 10 s (a render
// is stopped after 5 s), with a
// peak RSS under helmRSS: a render is stopped at 256 MiB of heap growth
// (DefaultLimits), and repeat/until are bounded before they allocate.

const helmRSS = 1 << 30

func writeChart(t *testing.T, templates map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bomb")
	WriteFile(t, dir, "Chart.yaml", []byte("apiVersion: v2\nname: bomb\nversion: 0.1.0\n"))
	for name, s := range templates {
		WriteFile(t, filepath.Join(dir, "templates"), name, []byte(s))
	}
	return dir
}

func expectHelmBound(t *testing.T, r Result, chart string, msgs ...string) {
	t.Helper()
	if r.Code != 2 {
		t.Errorf("exit %d, want 2; %s", r.Code, r)
	}
	ExpectNoPanic(t, r)
	for _, m := range append([]string{chart + ": "}, msgs...) {
		if !strings.Contains(r.Stderr, m) {
			t.Errorf("stderr lacks %q; %s", m, r)
		}
	}
	if !raceEnabled && r.MaxRSS > helmRSS {
		t.Errorf("peak RSS %d MiB over %d MiB; %s", r.MaxRSS>>20, helmRSS>>20, r)
	}
}

// TestHelmIncludeBomb: each named template includes the one below it
// twice; 40 levels stand for 2^40 bytes from a 2 KiB chart.
func TestHelmIncludeBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{{- define "l0" -}}xxxxxxxx{{- end -}}` + "\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, `{{- define "l%d" -}}{{ include "l%d" . }}{{ include "l%d" . }}{{- end -}}`+"\n", i, i-1, i-1)
	}
	chart := writeChart(t, map[string]string{
		"_bomb.tpl": b.String(),
		"cm.yaml":   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  x: {{ include \"l40\" . | quote }}\n",
	})
	r := scanFile(t, chart)
	expectHelmBound(t, r, chart, "longer than 5s")
}

// TestHelmRepeatBomb: one call asks for 16 GB.
func TestHelmRepeatBomb(t *testing.T) {
	chart := writeChart(t, map[string]string{
		"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  x: {{ repeat 2000000000 \"xxxxxxxx\" | quote }}\n",
	})
	expectHelmBound(t, scanFile(t, chart), chart, "repeat", "allowed")
}

// TestHelmLoopBomb: nested loops of a million items each, 10^12 steps.
func TestHelmLoopBomb(t *testing.T) {
	chart := writeChart(t, map[string]string{
		"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  x: \"{{ range until 1000000 }}{{ range until 1000000 }}{{ end }}{{ end }}\"\n",
	})
	expectHelmBound(t, scanFile(t, chart), chart, "until", "items in all")
}
