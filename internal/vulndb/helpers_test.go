package vulndb

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/vuln"
)

// member is one file of a test zip or directory.
type member struct {
	name string
	data []byte
}

type ev map[string]string

// affected builds an OSV affected[] element with one range.
func affected(eco, name, typ string, events ...ev) map[string]any {
	a := map[string]any{"package": map[string]string{"ecosystem": eco, "name": name}}
	if typ != "" {
		a["ranges"] = []any{map[string]any{"type": typ, "events": events}}
	}
	return a
}

// osv builds an OSV document; extra sets further top-level fields.
func osv(id, modified string, affs []map[string]any, extra map[string]any) member {
	e := map[string]any{"schema_version": "1.6.0", "id": id, "affected": affs}
	if modified != "" {
		e["modified"] = modified
	}
	for k, v := range extra {
		e[k] = v
	}
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		panic(err)
	}
	return member{name: id + ".json", data: b}
}

func writeZip(t testing.TB, path string, ms []member) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range ms {
		w, err := zw.Create(m.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeDir(t testing.TB, dir string, ms []member) string {
	t.Helper()
	for _, m := range ms {
		p := filepath.Join(dir, filepath.FromSlash(m.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, m.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func mustOpen(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// snapshot records every file of a store directory with its content, to
// prove a failed import changed nothing.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() == ".lock" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func sameSnapshot(t testing.TB, before, after map[string]string) {
	t.Helper()
	if len(before) != len(after) {
		t.Fatalf("store files changed: before %v, after %v", keys(before), keys(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Fatalf("store file %s changed", k)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// matchLines renders matches for comparison.
func matchLines(ms []vuln.Match) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, fmt.Sprintf("%s %s/%s/%s@%s eco=%s fixed=%s sev=%s/%s/%g/%s aliases=%s sum=%q",
			m.ID, m.Query.Ecosystem, m.Query.Release, m.Query.Name, m.Query.Version, m.Ecosystem, m.Fixed,
			m.Severity.Type, m.Severity.Vector, m.Severity.Score, m.Severity.Level, strings.Join(m.Aliases, ","), m.Summary))
	}
	sort.Strings(out)
	return out
}

func diffLines(t testing.TB, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") == strings.Join(want, "\n") {
		return
	}
	gs, ws := map[string]bool{}, map[string]bool{}
	for _, g := range got {
		gs[g] = true
	}
	for _, w := range want {
		ws[w] = true
	}
	n := 0
	for _, w := range want {
		if !gs[w] && n < 20 {
			t.Errorf("%s: missing %s", what, w)
			n++
		}
	}
	for _, g := range got {
		if !ws[g] && n < 40 {
			t.Errorf("%s: unexpected %s", what, g)
			n++
		}
	}
	t.Fatalf("%s: %d lines, want %d", what, len(got), len(want))
}

var day = 24 * time.Hour

// goVulnDBDir returns the golang.org/x/vulndb module directory that
// hack/install-tools.sh prints as BULWARK_GOVULNDB_DIR. Without it the test
// skips, unless BULWARK_REQUIRE_TOOLS is set (hack/test.sh).
func goVulnDBDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("BULWARK_GOVULNDB_DIR")
	if dir == "" {
		const msg = `BULWARK_GOVULNDB_DIR is not set; run eval "$(hack/install-tools.sh)" (or set it to the golang.org/x/vulndb@<version> directory of the Go module cache)`
		if os.Getenv("BULWARK_REQUIRE_TOOLS") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if st, err := os.Stat(filepath.Join(dir, "data", "osv")); err != nil || !st.IsDir() {
		t.Fatalf("BULWARK_GOVULNDB_DIR=%s has no data/osv directory: %v", dir, err)
	}
	return dir
}
