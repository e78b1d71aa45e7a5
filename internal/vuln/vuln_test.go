package vuln

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/image"
)

func TestVersionOrdering(t *testing.T) {
	cases := []struct {
		eco, name, a, b string
		want            int
	}{
		{EcoDebian, "x", "1.0~rc1-1", "1.0-1", -1},
		{EcoDebian, "x", "1:1.0-1", "2.0-1", 1},
		{EcoDebian, "x", "1.2+deb12u4", "1.2+deb12u10", -1},
		{EcoDebian, "x", "3.0.15-1~deb12u1", "3.0.15-1~deb12u1", 0},
		{EcoAlpine, "x", "1.36.1-r9", "1.36.1-r10", -1},
		{EcoAlpine, "x", "3.3.2_rc1-r0", "3.3.2-r0", -1},
		{EcoAlpine, "x", "3.3.2_p1-r0", "3.3.2-r0", 1},
		{EcoGo, "golang.org/x/text", "0.43.0", "v0.43.0", 0},
		{EcoGo, "golang.org/x/text", "v0.0.0-20250101000000-abcdefabcdef", "0.1.0", -1},
		{EcoGo, "stdlib", "1.22rc1", "1.22.0", -1},
		{EcoGo, "stdlib", "1.22", "1.22.0", 0},
		{EcoGo, "stdlib", "1.27.0-0", "1.26.9", 1},
		{EcoGo, "stdlib", "1.9.1", "1.10.0", -1},
	}
	for _, c := range cases {
		a, err := parseVersion(c.eco, c.name, c.a)
		if err != nil {
			t.Fatalf("%s %q: %v", c.eco, c.a, err)
		}
		b, err := parseVersion(c.eco, c.name, c.b)
		if err != nil {
			t.Fatalf("%s %q: %v", c.eco, c.b, err)
		}
		if got := a.cmp(b); got != c.want {
			t.Errorf("%s: cmp(%q, %q) = %d, want %d", c.eco, c.a, c.b, got, c.want)
		}
	}
}

func TestCVSS3(t *testing.T) {
	for v, want := range map[string]float64{
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H": 9.8,
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H": 10,
		"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:N/A:N": 4.3,
		"CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N": 0,
		"CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:L/I:L/A:N": 4.7,
	} {
		got, err := CVSS3BaseScore(v)
		if err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", v, got, err, want)
		}
	}
	if _, err := CVSS3BaseScore("CVSS:4.0/AV:N"); err == nil {
		t.Error("want error for v4 vector")
	}
}

func entryJSON(id, eco, name string, events ...map[string]string) []byte {
	b, _ := json.Marshal(map[string]any{"id": id, "affected": []any{map[string]any{
		"package": map[string]string{"ecosystem": eco, "name": name},
		"ranges":  []any{map[string]any{"type": "ECOSYSTEM", "events": events}},
	}}})
	return b
}

func TestRangeEdgesAndReplace(t *testing.T) {
	db := NewDB()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// Two ranges in one entry: [1.0, 1.2) and [2.0, 2.1].
	must(db.AddJSON([]byte(`{"id":"X-1","affected":[{"package":{"ecosystem":"Go","name":"m"},"ranges":[
		{"type":"SEMVER","events":[{"introduced":"1.0.0"},{"fixed":"1.2.0"},{"introduced":"2.0.0"},{"last_affected":"2.1.0"}]},
		{"type":"GIT","events":[{"introduced":"abc"}]}]}]}`)))
	for v, want := range map[string]string{"0.9.0": "-", "1.0.0": "1.2.0", "1.1.9": "1.2.0", "1.2.0": "-", "1.9.0": "-", "2.0.0": "", "2.1.0": "", "2.1.1": "-"} {
		ms, err := db.Match(Query{Ecosystem: EcoGo, Name: "m", Version: v})
		must(err)
		got := "-"
		if len(ms) == 1 {
			got = ms[0].Fixed
		} else if len(ms) > 1 {
			t.Fatalf("%s: %d matches", v, len(ms))
		}
		if got != want {
			t.Errorf("%s: fixed %q want %q", v, got, want)
		}
	}
	// Re-adding an ID replaces the old entry.
	must(db.AddJSON(entryJSON("X-1", "Go", "other", map[string]string{"introduced": "0"})))
	if ms, _ := db.Match(Query{Ecosystem: EcoGo, Name: "m", Version: "1.0.0"}); len(ms) != 0 {
		t.Fatalf("replaced entry still matches: %v", ms)
	}
	if db.Len() != 1 {
		t.Fatalf("len %d", db.Len())
	}
	if _, err := db.Match(Query{Ecosystem: EcoGo, Name: "other", Version: "not-a-version"}); err == nil {
		t.Fatal("want version error")
	}
	if err := db.AddJSON([]byte(`{"affected":[]}`)); err == nil {
		t.Fatal("want error for missing id")
	}
}

func TestLoadZipBadMembers(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("a.json")
	w.Write(entryJSON("A-1", "Alpine:v3.20", "openssl", map[string]string{"introduced": "0"}))
	w, _ = zw.Create("b.json")
	w.Write([]byte("{broken"))
	zw.Close()
	db := NewDB()
	if err := db.LoadZip(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
		t.Fatal(err)
	}
	if db.Len() != 1 || db.Skipped != 1 {
		t.Fatalf("len %d skipped %d", db.Len(), db.Skipped)
	}
	if err := db.LoadZip(bytes.NewReader(buf.Bytes()[:buf.Len()/2]), int64(buf.Len()/2)); err == nil {
		t.Fatal("want error for truncated zip")
	}
}

func FuzzAddJSON(f *testing.F) {
	f.Add(entryJSON("F-1", "Debian:12", "openssl", map[string]string{"introduced": "0"}, map[string]string{"fixed": "3.0.15-1"}), "openssl", "3.0.11-1")
	f.Add(entryJSON("F-2", "Alpine:v3.20", "busybox", map[string]string{"introduced": "1.0-r0"}, map[string]string{"last_affected": "1.36.1-r29"}), "busybox", "1.36.1-r2")
	f.Add(entryJSON("F-3", "Go", "stdlib", map[string]string{"introduced": "0"}, map[string]string{"fixed": "1.22.1"}), "stdlib", "1.22rc1")
	f.Add([]byte(`{"id":"F-4","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N"}],"affected":[{"package":{"ecosystem":"Go","name":"m"},"versions":["1.0.0"]}]}`), "m", "1.0.0")
	f.Fuzz(func(t *testing.T, data []byte, name, version string) {
		db := NewDB()
		if err := db.AddJSON(data); err != nil {
			return
		}
		for _, eco := range []string{EcoDebian, EcoAlpine, EcoGo} {
			_, _ = db.Match(Query{Ecosystem: eco, Release: "12", Name: name, Version: version})
			_, _ = db.Match(Query{Ecosystem: eco, Name: name, Version: version})
		}
	})
}

// genDB builds n entries over names packages: Debian, Alpine and Go mixed.
func genDB(tb testing.TB, n, names int) *DB {
	db := NewDB()
	for i := 0; i < n; i++ {
		p := i % names
		var e *Entry
		switch p % 3 {
		case 0:
			e = &Entry{ID: fmt.Sprintf("DSA-%d", i), Affected: []Affected{aff("Debian:12", fmt.Sprintf("src%d", p), Event{Introduced: "0"}, Event{Fixed: fmt.Sprintf("1.%d-1+deb12u%d", i%50, i%7)})}}
		case 1:
			e = &Entry{ID: fmt.Sprintf("ALPINE-%d", i), Affected: []Affected{aff("Alpine:v3.20", fmt.Sprintf("apk%d", p), Event{Introduced: "0"}, Event{Fixed: fmt.Sprintf("1.%d.0-r%d", i%50, i%5)})}}
		default:
			e = &Entry{ID: fmt.Sprintf("GO-%d", i), Affected: []Affected{aff("Go", fmt.Sprintf("example.com/m%d", p), Event{Introduced: fmt.Sprintf("0.%d.0", i%10)}, Event{Fixed: fmt.Sprintf("1.%d.0", i%50)})}}
		}
		if err := db.Add(e); err != nil {
			tb.Fatal(err)
		}
	}
	return db
}

func aff(eco, name string, evs ...Event) Affected {
	var a Affected
	a.Package.Ecosystem, a.Package.Name = eco, name
	a.Ranges = []Range{{Type: "ECOSYSTEM", Events: evs}}
	if eco == "Go" {
		a.Ranges[0].Type = "SEMVER"
	}
	return a
}

func genQueries(n, names int) []Query {
	qs := make([]Query, 0, n)
	for i := 0; i < n; i++ {
		p := (i * 7) % names
		switch p % 3 {
		case 0:
			qs = append(qs, Query{Ecosystem: EcoDebian, Release: "12", Name: fmt.Sprintf("src%d", p), Version: "1.20-1+deb12u3"})
		case 1:
			qs = append(qs, Query{Ecosystem: EcoAlpine, Release: "3.20.3", Name: fmt.Sprintf("apk%d", p), Version: "1.20.0-r2"})
		default:
			qs = append(qs, Query{Ecosystem: EcoGo, Name: fmt.Sprintf("example.com/m%d", p), Version: "v1.20.0"})
		}
	}
	return qs
}

func TestGeneratedDBSanity(t *testing.T) {
	db := genDB(t, 50_000, 5_000)
	ms, errs := db.MatchAll(genQueries(500, 5_000))
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	if len(ms) == 0 {
		t.Fatal("generated db yields no matches")
	}
}

func BenchmarkMatch500Against50k(b *testing.B) {
	db := genDB(b, 50_000, 5_000)
	qs := genQueries(500, 5_000)
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for b.Loop() {
		ms, errs := db.MatchAll(qs)
		if len(errs) > 0 {
			b.Fatal(errs[0])
		}
		n = len(ms)
	}
	b.ReportMetric(float64(n), "matches/op")
}

func FuzzLoadZip(f *testing.F) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("GO-1.json")
	w.Write(entryJSON("GO-1", "Go", "m", map[string]string{"introduced": "0"}, map[string]string{"fixed": "1.0.0"}))
	zw.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x05\x06"))
	f.Fuzz(func(t *testing.T, data []byte) {
		db := NewDB()
		_ = db.LoadZip(bytes.NewReader(data), int64(len(data)))
		_, _ = db.Match(Query{Ecosystem: EcoGo, Name: "m", Version: "0.5.0"})
	})
}

// Debian advisories have details but no summary: the first line stands in.
func TestTitle(t *testing.T) {
	for _, tt := range []struct {
		e    Entry
		want string
	}{
		{Entry{Summary: " Heap overflow in X ", Details: "long text"}, "Heap overflow in X"},
		{Entry{Details: "\n\n  curl: heap overflow in SOCKS5 (CVE-2023-38545)\nmore\n"}, "curl: heap overflow in SOCKS5 (CVE-2023-38545)"},
		{Entry{}, ""},
	} {
		if got := tt.e.Title(); got != tt.want {
			t.Errorf("Title() = %q, want %q", got, tt.want)
		}
	}
}

// Ubuntu packages are matched against Ubuntu's advisories of the image's
// release, never Debian's; Ubuntu Pro (ESM) advisories do not apply to a
// plain release.
func TestUbuntuReleases(t *testing.T) {
	db := NewDB()
	for _, e := range []string{
		`{"id":"UBUNTU-1","affected":[{"package":{"ecosystem":"Ubuntu:22.04:LTS","name":"openssl"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.2-0ubuntu1.15"}]}]}]}`,
		`{"id":"UBUNTU-2","affected":[{"package":{"ecosystem":"Ubuntu:24.04:LTS","name":"openssl"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.13-0ubuntu3.2"}]}]}]}`,
		`{"id":"UBUNTU-3","affected":[{"package":{"ecosystem":"Ubuntu:Pro:22.04:LTS","name":"openssl"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`,
		`{"id":"DSA-1","affected":[{"package":{"ecosystem":"Debian","name":"openssl"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`,
	} {
		if err := db.AddJSON([]byte(e)); err != nil {
			t.Fatal(err)
		}
	}
	pkgs := []image.Package{{Type: image.TypeDeb, Name: "libssl3", Version: "3.0.2-0ubuntu1.10", SourceName: "openssl", SourceVersion: "3.0.2-0ubuntu1.10"}}
	ms, errs := db.MatchAll(QueriesFor(pkgs, &image.OSRelease{ID: "ubuntu", VersionID: "22.04"}))
	if len(errs) > 0 || len(ms) != 1 || ms[0].ID != "UBUNTU-1" || ms[0].Fixed != "3.0.2-0ubuntu1.15" {
		t.Errorf("ubuntu 22.04: %+v %v", ms, errs)
	}
	for id, want := range map[string]string{"debian": EcoDebian, "": EcoDebian, "ubuntu": EcoUbuntu, "linuxmint": "Linuxmint"} {
		if q := QueriesFor(pkgs, &image.OSRelease{ID: id}); q[0].Ecosystem != want {
			t.Errorf("os-release ID %q: ecosystem %q, want %q", id, q[0].Ecosystem, want)
		}
	}
	apk := []image.Package{{Type: image.TypeApk, Name: "busybox", Version: "1.36.1-r29", SourceName: "busybox"}}
	if q := QueriesFor(apk, &image.OSRelease{ID: "wolfi"}); q[0].Ecosystem != "Wolfi" {
		t.Errorf("wolfi apk packages: ecosystem %q", q[0].Ecosystem)
	}
	if q := QueriesFor(apk, nil); q[0].Ecosystem != EcoAlpine {
		t.Errorf("apk without os-release: ecosystem %q", q[0].Ecosystem)
	}
}

// Debian's DEBIAN-CVE-* advisories name their CVE as upstream, not as an
// alias; both count as the advisory's names.
func TestNamesIncludeUpstream(t *testing.T) {
	db := NewDB()
	if err := db.AddJSON([]byte(`{"id":"DEBIAN-CVE-2026-0001","upstream":["CVE-2026-0001"],"aliases":["DEBIAN-CVE-2026-0001","GHSA-x"],"affected":[{"package":{"ecosystem":"Debian:12","name":"zlib"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`)); err != nil {
		t.Fatal(err)
	}
	ms, _ := db.Match(Query{Ecosystem: EcoDebian, Release: "12", Name: "zlib", Version: "1.2.13"})
	if len(ms) != 1 || fmt.Sprint(ms[0].Aliases) != "[GHSA-x CVE-2026-0001]" {
		t.Errorf("names %v", ms)
	}
}
