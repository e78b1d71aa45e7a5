package vulndb

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/bulwark-sec/bulwark/internal/vuln"
)

// TestRealGoVulnDB imports the golang.org/x/vulndb module pinned by
// hack/install-tools.sh.
func TestRealGoVulnDB(t *testing.T) {
	modDir := goVulnDBDir(t)
	osvDir := filepath.Join(modDir, "data", "osv")

	// Count independently: every non-withdrawn document with a Go package.
	files, err := filepath.Glob(filepath.Join(osvDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no OSV files in %s: %v", osvDir, err)
	}
	want, withdrawn := 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Withdrawn string `json:"withdrawn"`
			Affected  []struct {
				Package struct{ Ecosystem, Name string }
			}
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if doc.Withdrawn != "" {
			withdrawn++
			continue
		}
		for _, a := range doc.Affected {
			if a.Package.Ecosystem == "Go" && a.Package.Name != "" {
				want++
				break
			}
		}
	}

	dir := t.TempDir()
	start := time.Now()
	src, err := ImportGoVulnDB(dir, modDir, "", testNow)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d of %d files in %v: %d bytes (%s)", src.Entries, len(files), time.Since(start), src.Size, src.Import.summary())
	if src.Entries != want || src.Import.Withdrawn != withdrawn || src.Import.Malformed != 0 || src.Import.Documents != len(files) {
		t.Fatalf("imported %d entries (%d withdrawn, %d malformed, %d documents); the files hold %d non-withdrawn Go entries, %d withdrawn, %d files",
			src.Entries, src.Import.Withdrawn, src.Import.Malformed, src.Import.Documents, want, withdrawn, len(files))
	}
	version := strings.TrimPrefix(filepath.Base(modDir), "vulndb@")
	vt, err := module.PseudoVersionTime(version)
	if err != nil {
		t.Fatalf("BULWARK_GOVULNDB_DIR is not at a pseudo version: %v", err)
	}
	if src.Ecosystem != "Go" || src.Origin != "golang.org/x/vulndb@"+version || !src.DataDate.Equal(vt) || src.DataDateFrom != "module-version" {
		t.Fatalf("source %+v", src)
	}

	s := mustOpen(t, dir)
	if w := s.Warnings(vt.Add(6*day), 0); len(w) != 0 {
		t.Errorf("fresh data warns: %q", w)
	}
	if w := s.Warnings(vt.Add(8*day), 0); len(w) != 1 || !strings.Contains(w[0], "vulnerability data for Go is 8 days old ("+vt.Format(time.DateOnly)+")") {
		t.Errorf("stale warnings %q", w)
	}

	// GO-2021-0113 (CVE-2021-38561), golang.org/x/text: data/osv says
	// SEMVER introduced "0", fixed "0.3.7". Confirm before relying on it.
	raw, err := os.ReadFile(filepath.Join(osvDir, "GO-2021-0113.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e vuln.Entry
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatal(err)
	}
	if len(e.Affected) != 1 || e.Affected[0].Package.Name != "golang.org/x/text" || len(e.Affected[0].Ranges) != 1 ||
		len(e.Affected[0].Ranges[0].Events) != 2 || e.Affected[0].Ranges[0].Events[0].Introduced != "0" || e.Affected[0].Ranges[0].Events[1].Fixed != "0.3.7" {
		t.Fatalf("GO-2021-0113 changed: %+v", e.Affected)
	}
	has := func(v string) (bool, string) {
		ms, err := s.Match(vuln.Query{Ecosystem: "Go", Name: "golang.org/x/text", Version: v})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.ID == "GO-2021-0113" {
				return true, m.Fixed + " " + strings.Join(m.Aliases, ",")
			}
		}
		return false, ""
	}
	for _, v := range []string{"v0.3.6", "0.3.6", "v0.3.0", "v0.0.0-20210101000000-abcdefabcdef"} {
		if ok, info := has(v); !ok || info != "0.3.7 CVE-2021-38561,GHSA-ppp9-7jff-5vj2" {
			t.Errorf("golang.org/x/text %s: GO-2021-0113 found=%v (%s)", v, ok, info)
		}
	}
	for _, v := range []string{"v0.3.7", "0.3.8", "v0.43.0"} {
		if ok, _ := has(v); ok {
			t.Errorf("golang.org/x/text %s: GO-2021-0113 reported for a fixed version", v)
		}
	}

	// Every query the data can tell apart gives what vuln.DB gives on the
	// original files: each package at each of its event versions.
	ref := vuln.NewDB()
	if err := ref.LoadDir(osvDir); err != nil {
		t.Fatal(err)
	}
	var qs []vuln.Query
	seen := map[vuln.Query]bool{}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		var e vuln.Entry
		json.Unmarshal(b, &e)
		for _, a := range e.Affected {
			for _, rg := range a.Ranges {
				for _, ev := range rg.Events {
					for _, v := range []string{ev.Introduced, ev.Fixed, ev.LastAffected} {
						if v == "" || v == "0" {
							v = "0.0.1"
						}
						q := vuln.Query{Ecosystem: "Go", Name: a.Package.Name, Version: v}
						if !seen[q] {
							seen[q] = true
							qs = append(qs, q)
						}
					}
				}
			}
		}
	}
	wantMs, wantErrs := ref.MatchAll(qs)
	for i := range wantMs {
		wantMs[i].Summary = truncateUTF8(strings.TrimSpace(wantMs[i].Summary), maxSummary)
	}
	gotMs, gotErrs := s.MatchAll(qs)
	if len(gotErrs) != len(wantErrs) {
		t.Errorf("%d errors, vuln.DB has %d", len(gotErrs), len(wantErrs))
	}
	t.Logf("%d queries, %d matches", len(qs), len(gotMs))
	if len(gotMs) < 1000 {
		t.Errorf("only %d matches", len(gotMs))
	}
	diffLines(t, "real vulndb", matchLines(gotMs), matchLines(wantMs))
}

func TestFindGoVulnDB(t *testing.T) {
	cache := t.TempDir()
	mk := func(v string, withData bool) string {
		d := filepath.Join(cache, "golang.org", "x", "vulndb@"+v)
		sub := d
		if withData {
			sub = filepath.Join(d, "data", "osv")
		}
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	mk("v0.0.0-20250101000000-aaaaaaaaaaaa", true)
	want := mk("v0.0.0-20261105234957-e22db6528018", true)
	mk("v0.0.0-20270101000000-bbbbbbbbbbbb", false) // incomplete: no data
	os.MkdirAll(filepath.Join(cache, "golang.org", "x", "vuln@v1.9.0", "data", "osv"), 0o755)
	t.Setenv("GOMODCACHE", cache)
	dir, v, err := FindGoVulnDB()
	if err != nil || dir != want || v != "v0.0.0-20261105234957-e22db6528018" {
		t.Fatalf("FindGoVulnDB = %s, %s, %v", dir, v, err)
	}
	t.Setenv("GOMODCACHE", t.TempDir())
	if _, _, err := FindGoVulnDB(); err == nil || !strings.Contains(err.Error(), "go mod download golang.org/x/vulndb@latest") {
		t.Fatalf("err = %v", err)
	}
	// Without GOMODCACHE the go command (or GOPATH) says where the cache is.
	t.Setenv("GOMODCACHE", "")
	gopath := t.TempDir()
	t.Setenv("GOPATH", gopath)
	if got, err := goModCache(); err != nil || got != filepath.Join(gopath, "pkg", "mod") {
		t.Fatalf("goModCache = %s, %v", got, err)
	}
}

func TestFindRealGoVulnDB(t *testing.T) {
	modDir := goVulnDBDir(t)
	// <GOMODCACHE>/golang.org/x/vulndb@v
	t.Setenv("GOMODCACHE", filepath.Dir(filepath.Dir(filepath.Dir(modDir))))
	dir, v, err := FindGoVulnDB()
	if err != nil {
		t.Fatal(err)
	}
	if dir != modDir {
		// A newer vulndb may sit in the same cache; nothing older may win.
		pinned, _ := versionFromDir(modDir)
		if semver.Compare(v, pinned) <= 0 {
			t.Fatalf("found %s (%s), want %s or newer", dir, v, modDir)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "osv")); err != nil {
		t.Fatal(err)
	}
}

func TestImportGoVulnDBDates(t *testing.T) {
	cache := t.TempDir()
	doc := osv("GO-2099-0001", "0001-01-01T00:00:00Z", []map[string]any{affected("Go", "example.com/m", "SEMVER", ev{"introduced": "0"})}, nil)
	npm := osv("GHSA-npm", "2026-01-01T00:00:00Z", []map[string]any{affected("npm", "x", "SEMVER", ev{"introduced": "0"}), affected("Debian:12", "x", "ECOSYSTEM", ev{"introduced": "0"})}, nil)

	// Pseudo version: the date is in the version.
	pseudo := filepath.Join(cache, "golang.org", "x", "vulndb@v0.0.0-20261105234957-e22db6528018")
	writeDir(t, filepath.Join(pseudo, "data", "osv"), []member{doc, npm})
	src, err := ImportGoVulnDB(t.TempDir(), pseudo, "", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if src.DataDate.Format(time.RFC3339) != "2026-11-05T23:49:57Z" || src.DataDateFrom != "module-version" || src.Entries != 1 ||
		src.Import.Unsupported != 1 || src.Import.UnsupportedEcosystems["Debian"] != 1 || src.Import.UnsupportedEcosystems["npm"] != 1 {
		t.Fatalf("%+v", src)
	}

	// Tagged version: the date comes from the module cache's .info file.
	tagged := filepath.Join(cache, "golang.org", "x", "vulndb@v1.2.3")
	writeDir(t, filepath.Join(tagged, "data", "osv"), []member{doc})
	info := filepath.Join(cache, "cache", "download", "golang.org", "x", "vulndb", "@v")
	os.MkdirAll(info, 0o755)
	os.WriteFile(filepath.Join(info, "v1.2.3.info"), []byte(`{"Version":"v1.2.3","Time":"2026-10-01T12:00:00Z"}`), 0o644)
	src, err = ImportGoVulnDB(t.TempDir(), tagged, "v1.2.3", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if src.DataDate.Format(time.RFC3339) != "2026-10-01T12:00:00Z" || src.Origin != "golang.org/x/vulndb@v1.2.3" {
		t.Fatalf("%+v", src)
	}

	// A copy outside the module cache, version unknown: refused.
	plain := t.TempDir()
	writeDir(t, filepath.Join(plain, "data", "osv"), []member{doc})
	if _, err := ImportGoVulnDB(t.TempDir(), plain, "", testNow); err == nil || !strings.Contains(err.Error(), "pass it explicitly") {
		t.Fatalf("err = %v", err)
	}
	// ...but with a version that is not in the cache the date is unknown.
	src, err = ImportGoVulnDB(t.TempDir(), plain, "v9.9.9", testNow)
	if err != nil || !src.DataDate.IsZero() || src.DataDateFrom != "" {
		t.Fatalf("%+v %v", src, err)
	}
}
