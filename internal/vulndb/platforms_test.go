package vulndb

import (
	"path/filepath"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/vuln"
)

// TestGoPlatformsSurviveImport: the platform limits of a Go advisory are
// kept by the store, so a windows-only advisory does not match a linux
// binary read through it.
func TestGoPlatformsSurviveImport(t *testing.T) {
	a := affected("Go", "stdlib", "SEMVER", ev{"introduced": "0"})
	a["ecosystem_specific"] = map[string]any{"imports": []any{map[string]any{"path": "os", "goos": []string{"windows"}, "goarch": []string{"amd64", "arm64"}}}}
	dir := t.TempDir()
	z := writeZip(t, filepath.Join(t.TempDir(), "go.zip"), []member{osv("GO-2026-1", "2026-11-20T00:00:00Z", []map[string]any{a}, nil)})
	if _, err := ImportZip(dir, z, testNow); err != nil {
		t.Fatal(err)
	}
	st := mustOpen(t, dir)
	for _, tc := range []struct {
		goos, goarch string
		want         int
	}{{"linux", "amd64", 0}, {"windows", "amd64", 1}, {"windows", "ppc64le", 0}, {"", "", 1}} {
		ms, err := st.Match(vuln.Query{Ecosystem: "Go", Name: "stdlib", Version: "1.26.0", GOOS: tc.goos, GOARCH: tc.goarch})
		if err != nil || len(ms) != tc.want {
			t.Errorf("%s/%s: %d matches (%v), want %d", tc.goos, tc.goarch, len(ms), err, tc.want)
		}
	}
}
