package vulndb

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/vuln"
)

var (
	cvss98     = []map[string]string{{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}
	longSumary = "Heap overflow in the TLS handshake — " + strings.Repeat("ünïcödé ", 40)
)

// fixture is an OSV export mixing ecosystems and every kind of bad entry
// the importer must survive.
func fixture() []member {
	return []member{
		osv("DSA-1000-1", "2026-11-10T08:00:00Z", []map[string]any{
			affected("Debian:12", "openssl", "ECOSYSTEM", ev{"introduced": "0"}, ev{"fixed": "3.0.15-1~deb12u1"}),
			affected("Debian:11", "openssl", "ECOSYSTEM", ev{"introduced": "0"}, ev{"fixed": "1.1.1w-0+deb11u2"}),
		}, map[string]any{"aliases": []string{"CVE-2026-1000"}, "severity": cvss98, "summary": longSumary, "details": strings.Repeat("x", 5000)}),
		osv("DEBIAN-CVE-2026-2000", "2026-11-14T12:00:00Z", []map[string]any{
			{"package": map[string]string{"ecosystem": "Debian", "name": "zlib"}, "versions": []string{"1:1.2.13.dfsg-1"}},
		}, map[string]any{"aliases": []string{"CVE-2026-2000"}, "database_specific": map[string]any{"severity": "low", "source": "x"}}),
		osv("DLA-3000-1", "2026-11-01T00:00:00.123Z", []map[string]any{
			func() map[string]any {
				a := affected("Debian:12", "glibc", "ECOSYSTEM", ev{"introduced": "0"}, ev{"last_affected": "2.36-9+deb12u4"})
				a["ecosystem_specific"] = map[string]any{"urgency": "high", "severity": "medium"}
				return a
			}(),
		}, nil),
		osv("ALPINE-CVE-2026-4000", "2026-11-12T00:00:00Z", []map[string]any{
			affected("Alpine:v3.20", "openssl", "ECOSYSTEM", ev{"introduced": "0"}, ev{"fixed": "3.3.2-r1"}),
		}, map[string]any{"database_specific": map[string]any{"severity": "HIGH"}}),
		// Like golang.org/x/vulndb: zero "modified".
		osv("GO-2026-5000", "0001-01-01T00:00:00Z", []map[string]any{
			func() map[string]any {
				a := affected("Go", "golang.org/x/text", "SEMVER", ev{"introduced": "0"}, ev{"fixed": "0.3.5"})
				a["ranges"] = append(a["ranges"].([]any), map[string]any{"type": "GIT", "repo": "https://go.googlesource.com/text", "events": []ev{{"introduced": "0"}}})
				a["ecosystem_specific"] = map[string]any{"imports": []any{map[string]any{"path": "golang.org/x/text/language", "symbols": []string{"Parse"}}}}
				return a
			}(),
		}, map[string]any{"aliases": []string{"CVE-2021-38561"}, "summary": "Out-of-bounds read in golang.org/x/text/language"}),
		osv("GO-2026-5001", "2026-11-13T00:00:00Z", []map[string]any{
			affected("Go", "stdlib", "SEMVER", ev{"introduced": "1.26.0-0"}, ev{"fixed": "1.26.9"}),
			affected("Go", "toolchain", "SEMVER", ev{"introduced": "1.26.0-0"}, ev{"fixed": "1.26.9"}),
		}, nil),
		osv("GHSA-aaaa-bbbb-cccc", "2026-11-02T00:00:00Z", []map[string]any{
			affected("Go", "example.com/m", "SEMVER", ev{"introduced": "1.0.0"}, ev{"fixed": "1.2.0"}),
			affected("npm", "left-pad", "SEMVER", ev{"introduced": "0"}),
		}, nil),
		osv("MULTI-1", "2026-11-03T00:00:00Z", []map[string]any{
			affected("Debian:12", "curl", "ECOSYSTEM", ev{"introduced": "0"}, ev{"fixed": "7.88.1-10+deb12u10"}),
			affected("Alpine:v3.20", "curl", "ECOSYSTEM", ev{"introduced": "0"}, ev{"fixed": "8.9.1-r0"}),
		}, map[string]any{"aliases": []string{"CVE-2026-6000"}}),
		osv("FUTURE-1", "2099-01-01T00:00:00Z", []map[string]any{
			affected("Alpine:v3.20", "busybox", "ECOSYSTEM", ev{"introduced": "0"}, ev{"fixed": "1.36.1-r29"}),
		}, nil),
		osv("PYSEC-1", "2026-11-20T00:00:00Z", []map[string]any{affected("PyPI", "requests", "ECOSYSTEM", ev{"introduced": "0"})}, nil),
		osv("EMPTY-1", "2026-11-20T00:00:00Z", nil, nil),
		osv("WITHDRAWN-1", "2026-11-20T00:00:00Z", []map[string]any{affected("Debian:12", "zlib", "ECOSYSTEM", ev{"introduced": "0"})},
			map[string]any{"withdrawn": "2026-11-19T00:00:00Z"}),
		{name: "bad.json", data: []byte("{broken")},
		{name: "noid.json", data: []byte(`{"affected":[]}`)},
		{name: "big.json", data: append([]byte(`{"id":"BIG-1","summary":"`), bytes.Repeat([]byte("A"), vuln.MaxEntrySize)...)},
		{name: "README.md", data: []byte("not an advisory")},
		// The same id again (later wins, as in vuln.DB): now fixed in 0.3.7.
		osv("GO-2026-5000", "0001-01-01T00:00:00Z", []map[string]any{
			affected("Go", "golang.org/x/text", "SEMVER", ev{"introduced": "0"}, ev{"fixed": "0.3.7"}),
		}, map[string]any{"aliases": []string{"CVE-2021-38561"}, "summary": "Out-of-bounds read in golang.org/x/text/language"}),
	}
}

func dupName(ms []member) []member {
	ms[len(ms)-1].name = "dup/" + ms[len(ms)-1].name
	return ms
}

// fixtureQueries probe every package of fixture() around its bounds.
func fixtureQueries() []vuln.Query {
	var qs []vuln.Query
	add := func(eco, rel, name string, versions ...string) {
		for _, v := range versions {
			qs = append(qs, vuln.Query{Ecosystem: eco, Release: rel, Name: name, Version: v})
		}
	}
	add("Debian", "12", "openssl", "3.0.11-1~deb12u2", "3.0.15-1~deb12u1", "3.0.16-1")
	add("Debian", "11", "openssl", "1.1.1w-0+deb11u1", "1.1.1w-0+deb11u2")
	add("Debian", "", "openssl", "1.1.1w-0+deb11u1")
	add("Debian", "12", "zlib", "1:1.2.13.dfsg-1", "1:1.2.13.dfsg-2")
	add("Debian", "12", "glibc", "2.36-9+deb12u4", "2.36-9+deb12u5")
	add("Debian", "12", "curl", "7.88.1-10+deb12u5", "7.88.1-10+deb12u10")
	add("Alpine", "3.20.3", "openssl", "3.3.2-r0", "3.3.2-r1")
	add("Alpine", "3.20", "curl", "8.9.0-r0", "8.9.1-r0")
	add("Alpine", "v3.20", "busybox", "1.36.1-r28")
	add("Go", "", "golang.org/x/text", "v0.3.6", "0.3.6", "v0.3.7", "v0.43.0")
	add("Go", "", "stdlib", "1.26.8", "1.26.9", "1.25.5")
	add("Go", "", "toolchain", "1.26.8")
	add("Go", "", "example.com/m", "v1.1.0", "v1.2.0")
	add("Go", "", "left-pad", "1.0.0")
	add("npm", "", "left-pad", "1.0.0")
	add("PyPI", "", "requests", "2.0.0")
	return qs
}

// referenceMatches runs the in-memory matcher over the same export, with
// summaries cut the way the store cuts them.
func referenceMatches(t *testing.T, zipPath string, qs []vuln.Query) []string {
	t.Helper()
	db := vuln.NewDB()
	if err := db.LoadZipFile(zipPath); err != nil {
		t.Fatal(err)
	}
	ms, errs := db.MatchAll(qs)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for i := range ms {
		ms[i].Summary = truncateUTF8(strings.TrimSpace(ms[i].Summary), maxSummary)
	}
	return matchLines(ms)
}

var testNow = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func TestImportZipSeveralEcosystems(t *testing.T) {
	zipPath := writeZip(t, filepath.Join(t.TempDir(), "all.zip"), dupName(fixture()))
	dir := filepath.Join(t.TempDir(), "store")
	srcs, err := ImportZip(dir, zipPath, testNow)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		eco      string
		entries  int
		date     string
		dateFrom string
	}
	wants := []want{
		{"Alpine", 3, "2026-11-12T00:00:00Z", "modified"}, // FUTURE-1's 2099 is not trusted
		{"Debian", 4, "2026-11-14T12:00:00Z", "modified"},
		{"Go", 3, "2026-11-13T00:00:00Z", "modified"},
	}
	if len(srcs) != len(wants) {
		t.Fatalf("sources %+v", srcs)
	}
	for i, w := range wants {
		s := srcs[i]
		if s.Ecosystem != w.eco || s.Entries != w.entries || s.DataDate.Format(time.RFC3339) != w.date || s.DataDateFrom != w.dateFrom {
			t.Errorf("source %d = %s %d %s %q, want %+v", i, s.Ecosystem, s.Entries, s.DataDate.Format(time.RFC3339), s.DataDateFrom, w)
		}
		if s.Origin != zipPath || !s.ImportedAt.Equal(testNow) || len(s.SHA256) != 64 || !strings.HasPrefix(s.File, w.eco+"-") {
			t.Errorf("source %d: %+v", i, s)
		}
	}
	st := srcs[0].Import
	wantStats := ImportStats{
		Documents: 16, Withdrawn: 1, Unsupported: 2, UnsupportedEcosystems: map[string]int{"PyPI": 1, "": 1},
		Malformed: 3, Duplicates: 1,
	}
	gotStats := st
	gotStats.MalformedFiles = nil
	if !reflect.DeepEqual(gotStats, wantStats) {
		t.Errorf("stats %+v, want %+v", gotStats, wantStats)
	}
	if len(st.MalformedFiles) != 3 || !strings.HasPrefix(st.MalformedFiles[0], "bad.json: not an OSV document") ||
		st.MalformedFiles[1] != "noid.json: no id" || !strings.Contains(st.MalformedFiles[2], "big.json: 4194329 bytes, over the 4194304-byte limit") {
		t.Errorf("malformed files %q", st.MalformedFiles)
	}

	s := mustOpen(t, dir)
	if !reflect.DeepEqual(s.Meta().Sources, srcs) {
		t.Errorf("metadata %+v\nimport returned %+v", s.Meta().Sources, srcs)
	}
	if s.Len() != 10 {
		t.Errorf("Len %d", s.Len())
	}
	qs := fixtureQueries()
	ms, errs := s.MatchAll(qs)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := matchLines(ms)
	diffLines(t, "store vs vuln.DB", got, referenceMatches(t, zipPath, qs))

	// Spot checks that the comparison is not vacuous.
	for _, w := range []string{
		`DSA-1000-1 Debian/12/openssl@3.0.11-1~deb12u2 eco=Debian:12 fixed=3.0.15-1~deb12u1 sev=CVSS_V3/CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/9.8/CRITICAL aliases=CVE-2026-1000`,
		`DEBIAN-CVE-2026-2000 Debian/12/zlib@1:1.2.13.dfsg-1 eco=Debian fixed= sev=//0/LOW aliases=CVE-2026-2000 sum=""`,
		`DLA-3000-1 Debian/12/glibc@2.36-9+deb12u4 eco=Debian:12 fixed= sev=//0/MEDIUM aliases= sum=""`,
		`ALPINE-CVE-2026-4000 Alpine/3.20.3/openssl@3.3.2-r0 eco=Alpine:v3.20 fixed=3.3.2-r1 sev=//0/HIGH aliases= sum=""`,
		`MULTI-1 Debian/12/curl@7.88.1-10+deb12u5 eco=Debian:12 fixed=7.88.1-10+deb12u10 sev=//0/ aliases=CVE-2026-6000 sum=""`,
		`MULTI-1 Alpine/3.20/curl@8.9.0-r0 eco=Alpine:v3.20 fixed=8.9.1-r0 sev=//0/ aliases=CVE-2026-6000 sum=""`,
		`GO-2026-5000 Go//golang.org/x/text@v0.3.6 eco=Go fixed=0.3.7 sev=//0/ aliases=CVE-2021-38561 sum="Out-of-bounds read in golang.org/x/text/language"`,
		`GO-2026-5001 Go//stdlib@1.26.8 eco=Go fixed=1.26.9 sev=//0/ aliases= sum=""`,
		`GHSA-aaaa-bbbb-cccc Go//example.com/m@v1.1.0 eco=Go fixed=1.2.0 sev=//0/ aliases= sum=""`,
	} {
		found := false
		for _, g := range got {
			if strings.HasPrefix(g, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("no match line starting %s", w)
		}
	}
	for _, g := range got {
		if strings.Contains(g, "@v0.3.7 ") || strings.Contains(g, "left-pad") || strings.Contains(g, "requests") {
			t.Errorf("unexpected match %s", g)
		}
		if strings.HasPrefix(g, "DSA-1000-1") && !strings.Contains(g, `…"`) {
			t.Errorf("long summary not cut: %s", g)
		}
	}

	// The same through a directory of JSON files.
	dir2 := filepath.Join(t.TempDir(), "store")
	if _, err := ImportDir(dir2, writeDir(t, t.TempDir(), dupName(fixture())), testNow); err != nil {
		t.Fatal(err)
	}
	s2 := mustOpen(t, dir2)
	if s2.Digest() != s.Digest() {
		t.Errorf("ImportDir digest %s, ImportZip %s", s2.Digest(), s.Digest())
	}
	ms2, errs := s2.MatchAll(qs)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	diffLines(t, "dir import", matchLines(ms2), got)
}

func TestDBForAndDB(t *testing.T) {
	zipPath := writeZip(t, filepath.Join(t.TempDir(), "all.zip"), dupName(fixture()))
	dir := t.TempDir()
	if _, err := ImportZip(dir, zipPath, testNow); err != nil {
		t.Fatal(err)
	}
	s := mustOpen(t, dir)
	qs := fixtureQueries()
	want := referenceMatches(t, zipPath, qs)

	full, err := s.DB()
	if err != nil {
		t.Fatal(err)
	}
	if full.Len() != 9 { // MULTI-1 is in two sources, one entry
		t.Errorf("DB().Len() = %d", full.Len())
	}
	part, err := s.DBFor(qs[:3])
	if err != nil {
		t.Fatal(err)
	}
	if part.Len() != 1 {
		t.Errorf("DBFor(openssl) holds %d entries", part.Len())
	}
	for name, db := range map[string]*vuln.DB{"DB": full} {
		ms, errs := db.MatchAll(qs)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		diffLines(t, name, matchLines(ms), want)
	}
	part, err = s.DBFor(qs)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := part.MatchAll(qs)
	diffLines(t, "DBFor", matchLines(ms), want)
}

func TestReimportReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	tmp := t.TempDir()
	debV1 := writeZip(t, filepath.Join(tmp, "deb1.zip"), []member{
		osv("DSA-1-1", "2026-11-01T00:00:00Z", []map[string]any{affected("Debian:12", "openssl", "ECOSYSTEM", ev{"introduced": "0"}, ev{"fixed": "3.0.15-1"})}, nil),
	})
	debV2 := writeZip(t, filepath.Join(tmp, "deb2.zip"), []member{
		osv("DSA-2-1", "2026-11-05T00:00:00Z", []map[string]any{affected("Debian:12", "curl", "ECOSYSTEM", ev{"introduced": "0"}, ev{"fixed": "8.0-1"})}, nil),
		osv("DSA-3-1", "2026-11-06T00:00:00Z", []map[string]any{affected("Debian:12", "curl", "ECOSYSTEM", ev{"introduced": "0"}, ev{"fixed": "8.1-1"})}, nil),
	})
	goZip := writeZip(t, filepath.Join(tmp, "go.zip"), []member{
		osv("GO-1", "2026-11-02T00:00:00Z", []map[string]any{affected("Go", "example.com/m", "SEMVER", ev{"introduced": "0"}, ev{"fixed": "1.0.0"})}, nil),
	})
	for _, z := range []string{debV1, goZip} {
		if _, err := ImportZip(dir, z, testNow); err != nil {
			t.Fatal(err)
		}
	}
	old := mustOpen(t, dir)
	oldMeta := old.Meta()
	if len(oldMeta.Sources) != 2 {
		t.Fatalf("sources %+v", oldMeta.Sources)
	}
	srcs, err := ImportZip(dir, debV2, testNow.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 1 || srcs[0].Ecosystem != "Debian" || srcs[0].Entries != 2 {
		t.Fatalf("sources %+v", srcs)
	}
	s := mustOpen(t, dir)
	meta := s.Meta()
	if len(meta.Sources) != 2 || meta.Sources[0].Ecosystem != "Debian" || meta.Sources[0].Origin != debV2 || !reflect.DeepEqual(meta.Sources[1], oldMeta.Sources[1]) {
		t.Fatalf("after re-import: %+v", meta.Sources)
	}
	if s.Digest() == old.Digest() {
		t.Error("digest unchanged after new Debian data")
	}
	// Exactly the referenced data files remain.
	ents, _ := os.ReadDir(dir)
	var files []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), dataFileExt) || strings.HasPrefix(e.Name(), tmpPrefix) {
			files = append(files, e.Name())
		}
	}
	if len(files) != 2 || !(files[0] == meta.Sources[0].File && files[1] == meta.Sources[1].File) {
		t.Errorf("files in store: %v", files)
	}
	// New data in the new store, old data gone from it.
	q := []vuln.Query{{Ecosystem: "Debian", Release: "12", Name: "openssl", Version: "3.0.11-1"}, {Ecosystem: "Debian", Release: "12", Name: "curl", Version: "7.0-1"}}
	ms, _ := s.MatchAll(q)
	if got := strings.Join(matchIDs(ms), ","); got != "DSA-2-1,DSA-3-1" {
		t.Errorf("new store matches %s", got)
	}
	// A store opened before keeps answering from the data it opened (the
	// replaced file was unlinked, not overwritten).
	ms, errs := old.MatchAll(q)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if got := strings.Join(matchIDs(ms), ","); got != "DSA-1-1" {
		t.Errorf("old store matches %s", got)
	}
}

func matchIDs(ms []vuln.Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

// rawZip writes a zip whose single member's header claims declared bytes
// while its deflated data inflates to actual bytes.
func rawZip(t *testing.T, path string, declared uint64, actual []byte) string {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(actual)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "bomb.json", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(actual),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared,
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFailedImportKeepsOldStore(t *testing.T) {
	dir := t.TempDir()
	tmp := t.TempDir()
	good := writeZip(t, filepath.Join(tmp, "good.zip"), dupName(fixture()))
	if _, err := ImportZip(dir, good, testNow); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	digest := mustOpen(t, dir).Digest()

	goodBytes, _ := os.ReadFile(good)
	truncated := filepath.Join(tmp, "truncated.zip")
	os.WriteFile(truncated, goodBytes[:len(goodBytes)/2], 0o644)
	corrupt := filepath.Join(tmp, "corrupt.zip")
	// Flip a byte inside the first member's compressed data: a checksum or
	// inflate error, i.e. a damaged download.
	c := append([]byte(nil), goodBytes...)
	c[60] ^= 0xff
	os.WriteFile(corrupt, c, 0o644)
	// 16 MiB of zeros deflate to about 16 KiB; the header claims 100 bytes.
	bomb := rawZip(t, filepath.Join(tmp, "bomb.zip"), 100, make([]byte, 16<<20))
	onlyUnsupported := writeZip(t, filepath.Join(tmp, "pypi.zip"), []member{
		osv("PYSEC-1", "2026-11-20T00:00:00Z", []map[string]any{affected("PyPI", "requests", "ECOSYSTEM", ev{"introduced": "0"})}, nil),
		osv("WD-1", "2026-11-20T00:00:00Z", []map[string]any{affected("Go", "m", "SEMVER", ev{"introduced": "0"})}, map[string]any{"withdrawn": "2026-11-20T00:00:00Z"}),
	})
	newData := writeZip(t, filepath.Join(tmp, "new.zip"), []member{
		osv("DSA-9-1", "2026-11-20T00:00:00Z", []map[string]any{affected("Debian:12", "curl", "ECOSYSTEM", ev{"introduced": "0"})}, nil),
		osv("GO-9", "2026-11-20T00:00:00Z", []map[string]any{affected("Go", "m", "SEMVER", ev{"introduced": "0"})}, nil),
	})

	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"missing file", func() error { _, err := ImportZip(dir, filepath.Join(tmp, "nope.zip"), testNow); return err }, "no such file"},
		{"truncated zip", func() error { _, err := ImportZip(dir, truncated, testNow); return err }, "zip"},
		{"corrupt member", func() error { _, err := ImportZip(dir, corrupt, testNow); return err }, "damaged"},
		{"lying header (zip bomb)", func() error { _, err := ImportZip(dir, bomb, testNow); return err }, "damaged"},
		{"no supported entries", func() error { _, err := ImportZip(dir, onlyUnsupported, testNow); return err },
			"no advisories for a supported ecosystem (Alpine, Debian, Go); 2 documents, 1 withdrawn, 1 unsupported (PyPI 1)"},
		{"total size limit", func() error {
			_, err := Importer{Dir: dir, Limits: Limits{MaxTotalSize: 10_000}}.ImportZip(good, testNow)
			if !errors.Is(err, ErrLimit) {
				t.Errorf("want ErrLimit, got %v", err)
			}
			return err
		}, "more than 10000 uncompressed bytes"},
		{"document count limit", func() error {
			_, err := Importer{Dir: dir, Limits: Limits{MaxDocuments: 3}}.ImportDir(writeDir(t, t.TempDir(), fixture()), testNow)
			return err
		}, "more than 3 documents"},
		{"crash before commit", func() error {
			testHookBeforeCommit = func() error { return errors.New("simulated crash") }
			defer func() { testHookBeforeCommit = nil }()
			_, err := ImportZip(dir, newData, testNow)
			return err
		}, "simulated crash"},
		{"not a vulndb module", func() error { _, err := ImportGoVulnDB(dir, tmp, "v1.0.0", testNow); return err }, "no data/osv"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.run()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
			sameSnapshot(t, before, snapshot(t, dir))
			if d := mustOpen(t, dir).Digest(); d != digest {
				t.Fatalf("digest changed to %s", d)
			}
		})
	}
}

func TestOversizedEntryHonestHeader(t *testing.T) {
	// A member that declares its true, oversized length is skipped without
	// being inflated; the rest of the export is imported.
	big := bytes.Repeat([]byte(" "), 8<<20)
	copy(big, `{"id":"BIG"}`)
	ms := []member{
		{name: "big.json", data: big},
		osv("GO-1", "2026-11-02T00:00:00Z", []map[string]any{affected("Go", "m", "SEMVER", ev{"introduced": "0"})}, nil),
	}
	srcs, err := ImportZip(t.TempDir(), writeZip(t, filepath.Join(t.TempDir(), "a.zip"), ms), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if srcs[0].Entries != 1 || srcs[0].Import.Malformed != 1 || !strings.Contains(srcs[0].Import.MalformedFiles[0], "8388608 bytes") {
		t.Fatalf("%+v", srcs[0])
	}
}

func TestDataDateAndWarnings(t *testing.T) {
	dir := t.TempDir()
	tmp := t.TempDir()
	if _, err := ImportZip(dir, writeZip(t, filepath.Join(tmp, "a.zip"), []member{
		osv("DSA-1", "2026-11-14T06:00:00Z", []map[string]any{affected("Debian:12", "openssl", "ECOSYSTEM", ev{"introduced": "0"})}, nil),
		osv("DSA-2", "2026-11-10T06:00:00+02:00", []map[string]any{affected("Debian:12", "curl", "ECOSYSTEM", ev{"introduced": "0"})}, nil),
		osv("GO-1", "0001-01-01T00:00:00Z", []map[string]any{affected("Go", "m", "SEMVER", ev{"introduced": "0"})}, nil),
	}), testNow); err != nil {
		t.Fatal(err)
	}
	s := mustOpen(t, dir)
	deb := s.Meta().Sources[0]
	if want := time.Date(2026, 11, 14, 6, 0, 0, 0, time.UTC); !deb.DataDate.Equal(want) {
		t.Fatalf("Debian data date %v", deb.DataDate)
	}
	goUnknown := "vulnerability data for Go has no known date (imported 2026-11-21 from " + filepath.Join(tmp, "a.zip") + "); run `bulwark db import`"
	for _, c := range []struct {
		now  time.Time
		want []string
	}{
		{deb.DataDate.Add(7 * day), []string{goUnknown}},
		{deb.DataDate.Add(7*day + time.Second), []string{"vulnerability data for Debian is 7 days old (2026-11-14); run `bulwark db import`", goUnknown}},
		{deb.DataDate.Add(12*day + 5*time.Hour), []string{"vulnerability data for Debian is 12 days old (2026-11-14); run `bulwark db import`", goUnknown}},
	} {
		if got := s.Warnings(c.now, 0); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Warnings(%v) = %q, want %q", c.now, got, c.want)
		}
	}
	if got := s.Warnings(deb.DataDate.Add(2*day), day); len(got) != 2 || !strings.Contains(got[0], "is 2 days old") {
		t.Errorf("custom max age: %q", got)
	}
	if !s.Has("Debian:12") || s.Has("Alpine") {
		t.Error("Has")
	}
	miss := s.Missing("Debian:12", "Alpine:v3.20", "Go", "Alpine", "")
	if len(miss) != 1 || !strings.HasPrefix(miss[0], "the vulnerability database has no data for Alpine, so Alpine packages were not checked; run `bulwark db import`") {
		t.Errorf("Missing = %q", miss)
	}

	// An empty store (all sources removed by hand) says so.
	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, MetadataFile), []byte(`{"format":1,"sources":[]}`), 0o644)
	es := mustOpen(t, empty)
	if w := es.Warnings(testNow, 0); len(w) != 1 || !strings.Contains(w[0], "is empty; run `bulwark db import`") {
		t.Errorf("empty store warnings %q", w)
	}
	if ms, errs := es.MatchAll(fixtureQueries()); len(ms) != 0 || len(errs) != 0 {
		t.Errorf("empty store matched %v %v", ms, errs)
	}
}

func TestDigest(t *testing.T) {
	tmp := t.TempDir()
	ms := dupName(fixture())
	a := writeZip(t, filepath.Join(tmp, "a.zip"), ms)
	// Same documents, other member order (except the duplicate pair, whose
	// order decides which one wins) and other names.
	rev := append([]member(nil), ms[:len(ms)-1]...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	rev = append(rev, ms[len(ms)-1])
	b := writeZip(t, filepath.Join(tmp, "b.zip"), rev)

	digestAfter := func(dir, zipPath string, now time.Time) string {
		t.Helper()
		if _, err := ImportZip(dir, zipPath, now); err != nil {
			t.Fatal(err)
		}
		s, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Verify(); err != nil {
			t.Fatal(err)
		}
		return s.Digest()
	}
	dir := t.TempDir()
	d1 := digestAfter(dir, a, testNow)
	if !strings.HasPrefix(d1, "sha256:") || len(d1) != 71 {
		t.Fatalf("digest %q", d1)
	}
	if d := digestAfter(dir, a, testNow.Add(48*time.Hour)); d != d1 {
		t.Errorf("re-import of identical data changed the digest: %s != %s", d, d1)
	}
	if d := digestAfter(t.TempDir(), b, testNow); d != d1 {
		t.Errorf("member order changed the digest")
	}
	// One changed fixed version in one ecosystem changes it.
	changed := dupName(fixture())
	changed[3] = osv("ALPINE-CVE-2026-4000", "2026-11-12T00:00:00Z", []map[string]any{
		affected("Alpine:v3.20", "openssl", "ECOSYSTEM", ev{"introduced": "0"}, ev{"fixed": "3.3.2-r2"}),
	}, map[string]any{"database_specific": map[string]any{"severity": "HIGH"}})
	d2 := digestAfter(dir, writeZip(t, filepath.Join(tmp, "c.zip"), changed), testNow)
	if d2 == d1 {
		t.Error("digest unchanged after a data change")
	}
	s := mustOpen(t, dir)
	var alpine, debian Source
	for _, src := range s.Meta().Sources {
		switch src.Ecosystem {
		case "Alpine":
			alpine = src
		case "Debian":
			debian = src
		}
	}
	if alpine.ImportedAt.Equal(testNow.Add(48*time.Hour)) || !debian.ImportedAt.Equal(testNow) {
		t.Errorf("imported-at not updated per import: %v %v", alpine.ImportedAt, debian.ImportedAt)
	}
	// Back to the first data: back to the first digest.
	if d := digestAfter(dir, a, testNow); d != d1 {
		t.Error("digest not a function of the data")
	}
}

func TestOpenErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nothing")
	_, err := Open(missing)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "run `bulwark db import`") || !strings.Contains(err.Error(), missing) {
		t.Fatalf("Open(missing) = %v", err)
	}

	fresh := func(t *testing.T) (string, Source) {
		dir := t.TempDir()
		if _, err := ImportZip(dir, writeZip(t, filepath.Join(t.TempDir(), "a.zip"), dupName(fixture())), testNow); err != nil {
			t.Fatal(err)
		}
		m, err := readMetadata(dir)
		if err != nil {
			t.Fatal(err)
		}
		return dir, m.Sources[1] // Debian
	}
	patch := func(t *testing.T, path string, f func([]byte) []byte) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, f(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("truncated data file", func(t *testing.T) {
		dir, deb := fresh(t)
		patch(t, filepath.Join(dir, deb.File), func(b []byte) []byte { return b[:len(b)-1] })
		if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "Debian") || !strings.Contains(err.Error(), "re-import") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("damaged index", func(t *testing.T) {
		dir, deb := fresh(t)
		patch(t, filepath.Join(dir, deb.File), func(b []byte) []byte { b[len(b)-2] ^= 1; return b })
		if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "checksum mismatch") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("damaged record", func(t *testing.T) {
		dir, deb := fresh(t)
		// The first record starts right after the header and the name;
		// its id length becomes absurd.
		patch(t, filepath.Join(dir, deb.File), func(b []byte) []byte { b[headerSize+len("Debian")] = 0x7f; return b })
		s := mustOpen(t, dir) // the index is intact
		_, errs := s.MatchAll(fixtureQueries())
		if len(errs) == 0 || !strings.Contains(errs[0].Error(), "damaged") {
			t.Fatalf("errs = %v", errs)
		}
		if err := s.Verify(); err == nil || !strings.Contains(err.Error(), "sha256") {
			t.Fatalf("Verify = %v", err)
		}
		if _, err := s.DB(); err == nil {
			t.Fatal("DB() loaded a damaged record")
		}
	})
	t.Run("deleted data file", func(t *testing.T) {
		dir, deb := fresh(t)
		os.Remove(filepath.Join(dir, deb.File))
		if _, err := Open(dir); err == nil || !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("err = %v", err)
		}
	})
	for name, meta := range map[string]string{
		"newer format":   `{"format":2,"sources":[]}`,
		"path traversal": `{"format":1,"sources":[{"ecosystem":"Go","file":"../x.bvdb","sha256":"` + strings.Repeat("a", 64) + `","size":100,"entries":1}]}`,
		"not json":       `{"format":1,`,
		"trailing data":  `{"format":1,"sources":[]} {}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, MetadataFile), []byte(meta), 0o644)
			if _, err := Open(dir); err == nil || errors.Is(err, ErrNotFound) {
				t.Fatalf("err = %v", err)
			}
			// An import refuses to build on a metadata file it cannot read.
			_, err := ImportZip(dir, writeZip(t, filepath.Join(t.TempDir(), "a.zip"), fixture()[:1]), testNow)
			if err == nil || !strings.Contains(err.Error(), "remove "+dir) {
				t.Fatalf("import err = %v", err)
			}
		})
	}
}

func TestConcurrentUse(t *testing.T) {
	dir := t.TempDir()
	zipPath := writeZip(t, filepath.Join(t.TempDir(), "a.zip"), dupName(fixture()))
	if _, err := ImportZip(dir, zipPath, testNow); err != nil {
		t.Fatal(err)
	}
	qs := fixtureQueries()
	want := referenceMatches(t, zipPath, qs)
	s := mustOpen(t, dir)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			var all []vuln.Match
			for i := range qs {
				q := qs[(i+g*5)%len(qs)]
				ms, err := s.Match(q)
				if err != nil {
					t.Error(err)
					return
				}
				all = append(all, ms...)
			}
			if got := matchLines(all); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("goroutine %d: %d lines, want %d", g, len(got), len(want))
			}
		}(g)
	}
	// Imports running meanwhile neither disturb the open store nor each
	// other; Open keeps working throughout.
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := ImportZip(dir, zipPath, testNow); err != nil {
				t.Error(err)
			}
			o, err := Open(dir)
			if err != nil {
				t.Error(err)
				return
			}
			o.Close()
		}()
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Match(qs[0]); err == nil {
		t.Error("Match after Close")
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/var/cache/someone")
	t.Setenv("HOME", "/home/someone")
	d, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	c, _ := os.UserCacheDir()
	if d != filepath.Join(c, "bulwark", "vulndb") {
		t.Fatalf("DefaultDir = %s", d)
	}
}

func TestMetadataOnDisk(t *testing.T) {
	dir := t.TempDir()
	if _, err := ImportZip(dir, writeZip(t, filepath.Join(t.TempDir(), "a.zip"), dupName(fixture())), testNow); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, MetadataFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Format  int
		Sources []map[string]any
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Format != 1 || len(doc.Sources) != 3 {
		t.Fatalf("%s", raw)
	}
	for _, k := range []string{"ecosystem", "origin", "dataDate", "dataDateFrom", "importedAt", "entries", "file", "sha256", "size", "import"} {
		if _, ok := doc.Sources[0][k]; !ok {
			t.Errorf("metadata source lacks %q: %s", k, raw)
		}
	}
}

// Ubuntu advisories ("Ubuntu:22.04:LTS") import as their own ecosystem and
// match by release.
func TestUbuntuImport(t *testing.T) {
	dir := t.TempDir()
	zp := writeZip(t, filepath.Join(t.TempDir(), "all.zip"), []member{
		osv("UBUNTU-CVE-2026-1", "2026-11-20T00:00:00Z", []map[string]any{affected("Ubuntu:22.04:LTS", "openssl", "ECOSYSTEM", ev{"introduced": "0"}, ev{"fixed": "3.0.2-0ubuntu1.15"})}, nil),
		osv("UBUNTU-CVE-2026-2", "2026-11-20T00:00:00Z", []map[string]any{affected("Ubuntu:24.04:LTS", "openssl", "ECOSYSTEM", ev{"introduced": "0"})}, nil),
	})
	srcs, err := ImportZip(dir, zp, time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC))
	if err != nil || len(srcs) != 1 || srcs[0].Ecosystem != "Ubuntu" || srcs[0].Entries != 2 {
		t.Fatalf("import: %+v %v", srcs, err)
	}
	st := mustOpen(t, dir)
	ms, err := st.Match(vuln.Query{Ecosystem: "Ubuntu", Release: "22.04", Name: "openssl", Version: "3.0.2-0ubuntu1.10"})
	if err != nil || len(ms) != 1 || ms[0].ID != "UBUNTU-CVE-2026-1" {
		t.Errorf("match: %+v %v", ms, err)
	}
	if !st.Has("Ubuntu") || st.Has("Debian") {
		t.Error("Has")
	}
}
