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

// TestImportGHSARatings: a clone of the GitHub Advisory Database becomes
// the ratings source, looked up by GHSA id or alias; its Go entries do not
// replace the Go advisories, and its unrated entries are not kept.
func TestImportGHSARatings(t *testing.T) {
	dir := t.TempDir()
	z := writeZip(t, filepath.Join(t.TempDir(), "go.zip"), []member{osv("GO-2026-1", "2026-11-20T00:00:00Z", []map[string]any{affected("Go", "stdlib", "SEMVER", ev{"introduced": "0"})}, nil)})
	if _, err := ImportZip(dir, z, testNow); err != nil {
		t.Fatal(err)
	}
	goAff := []map[string]any{affected("Go", "example.com/m", "SEMVER", ev{"introduced": "0"})}
	root := filepath.Join(t.TempDir(), "advisory-database")
	reviewed := filepath.Join(root, "advisories", "github-reviewed", "2026", "03")
	writeDir(t, filepath.Join(reviewed, "GHSA-aaaa"), []member{osv("GHSA-aaaa", "2026-11-21T00:00:00Z", goAff, map[string]any{"aliases": []string{"CVE-2026-7"}, "database_specific": map[string]any{"severity": "MODERATE"}})})
	writeDir(t, filepath.Join(reviewed, "GHSA-bbbb"), []member{osv("GHSA-bbbb", "2026-11-21T00:00:00Z", goAff, map[string]any{"aliases": []string{"CVE-2026-7"},
		"severity": []any{map[string]string{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}})})
	writeDir(t, filepath.Join(reviewed, "GHSA-cccc"), []member{osv("GHSA-cccc", "2026-11-21T00:00:00Z", goAff, map[string]any{"aliases": []string{"CVE-2026-8"}})})
	srcs, err := ImportDir(dir, root, testNow)
	if err != nil || len(srcs) != 1 || srcs[0].Ecosystem != RatingsEcosystem || srcs[0].Entries != 2 {
		t.Fatalf("import: %+v %v", srcs, err)
	}
	st := mustOpen(t, dir)
	if ms, err := st.Match(vuln.Query{Ecosystem: "Go", Name: "stdlib", Version: "1.26.0"}); err != nil || len(ms) != 1 {
		t.Fatalf("the Go advisories were replaced: %v %v", ms, err)
	}
	for _, tc := range []struct {
		ids         []string
		level, from string
	}{
		{[]string{"GO-2026-1", "CVE-2026-7"}, "CRITICAL", "GHSA-bbbb"},
		{[]string{"GHSA-aaaa"}, "MODERATE", "GHSA-aaaa"},
		{[]string{"CVE-2026-8"}, "", ""},
	} {
		sev, from, ok, err := st.Rating(tc.ids)
		if err != nil || ok != (tc.level != "") || sev.Level != tc.level || from != tc.from {
			t.Errorf("Rating(%v) = %+v %q %v %v; want %s from %s", tc.ids, sev, from, ok, err, tc.level, tc.from)
		}
	}
}
