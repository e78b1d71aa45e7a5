package image_test

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/bulwark-sec/bulwark/internal/image"
	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
	"github.com/bulwark-sec/bulwark/internal/vuln"
)

type ev map[string]string

func osvEntry(id string, aliases []string, eco, pkg string, rangeType string, events []ev, versions []string, extra map[string]any) map[string]any {
	aff := map[string]any{"package": map[string]string{"ecosystem": eco, "name": pkg}}
	if events != nil {
		aff["ranges"] = []map[string]any{{"type": rangeType, "events": events}}
	}
	if versions != nil {
		aff["versions"] = versions
	}
	e := map[string]any{"id": id, "modified": "2026-11-01T00:00:00Z", "affected": []any{aff}}
	if aliases != nil {
		e["aliases"] = aliases
	}
	for k, v := range extra {
		e[k] = v
	}
	return e
}

// nextPatch returns "1.26.9" for "1.26.8".
func nextPatch(t *testing.T, v string) string {
	p := strings.Split(v, ".")
	if len(p) != 3 {
		t.Skipf("unexpected Go version %q", v)
	}
	n, err := strconv.Atoi(p[2])
	if err != nil {
		t.Skipf("unexpected Go version %q", v)
	}
	return fmt.Sprintf("%s.%s.%d", p[0], p[1], n+1)
}

func textBump(t *testing.T, v string, delta int) string {
	// v0.43.0 -> 0.(43+delta).0
	p := strings.Split(strings.TrimPrefix(v, "v"), ".")
	n, err := strconv.Atoi(p[1])
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s.%d.%s", p[0], n+delta, p[2])
}

func push(t *testing.T, ref string, img v1.Image) {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
}

func inventoryOf(t *testing.T, ref string) *image.Result {
	t.Helper()
	im, err := image.Open(context.Background(), ref, image.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := image.Scan(context.Background(), im.Image, image.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if res.OS == nil {
		t.Fatalf("%s: no os-release found", ref)
	}
	return res
}

func TestVulnMatchEndToEnd(t *testing.T) {
	fx := debianImage(t)
	host := imagetest.Registry(t)
	push(t, host+"/e2e/debian:12", fx.Image)
	push(t, host+"/e2e/alpine:3.20", alpineImage(t, "amd64"))
	deb := inventoryOf(t, host+"/e2e/debian:12")
	alp := inventoryOf(t, host+"/e2e/alpine:3.20")
	if deb.OS.ID != "debian" || deb.OS.VersionID != "12" || alp.OS.ID != "alpine" || alp.OS.VersionID != "3.20.3" {
		t.Fatalf("os-release: %+v %+v", deb.OS, alp.OS)
	}

	goV := fx.Bin.GoVersion
	cvss98 := []map[string]string{{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}
	entries := []map[string]any{
		// Debian (release 12), matched by SOURCE package and source version.
		osvEntry("DSA-0001-1", []string{"CVE-2026-0001"}, "Debian:12", "openssl", "ECOSYSTEM", []ev{{"introduced": "0"}, {"fixed": "3.0.15-1~deb12u1"}}, nil, nil), // fixed == installed
		osvEntry("DSA-0002-1", []string{"CVE-2026-0002"}, "Debian:12", "openssl", "ECOSYSTEM", []ev{{"introduced": "0"}, {"fixed": "3.0.16-1~deb12u1"}}, nil, map[string]any{"severity": cvss98}),
		osvEntry("DLA-0003-1", []string{"CVE-2026-0003"}, "Debian:12", "glibc", "ECOSYSTEM", []ev{{"introduced": "0"}, {"last_affected": "2.36-9+deb12u4"}}, nil, nil), // inclusive
		osvEntry("DLA-0004-1", nil, "Debian:12", "glibc", "ECOSYSTEM", []ev{{"introduced": "0"}, {"last_affected": "2.36-9+deb12u3"}}, nil, nil),                       // below installed
		osvEntry("DSA-0005-1", nil, "Debian:12", "libc6", "ECOSYSTEM", []ev{{"introduced": "0"}}, nil, nil),                                                            // binary name: never matched
		osvEntry("DSA-0006-1", nil, "Debian:12", "curl", "ECOSYSTEM", []ev{{"introduced": "8.0.0-1"}, {"fixed": "8.5.0-1"}}, nil, nil),                                 // introduced later
		osvEntry("DSA-0007-1", nil, "Debian:11", "curl", "ECOSYSTEM", []ev{{"introduced": "0"}, {"fixed": "7.99.0-1"}}, nil, nil),                                      // other release
		osvEntry("DEBIAN-CVE-2026-0008", []string{"CVE-2026-0008"}, "Debian", "zlib", "", nil, []string{"1:1.2.13.dfsg-1"}, map[string]any{"database_specific": map[string]string{"severity": "low"}}),
		osvEntry("DEBIAN-CVE-2026-0009", nil, "Debian:12", "zlib", "ECOSYSTEM", []ev{{"introduced": "0"}}, nil, map[string]any{"withdrawn": "2026-10-01T00:00:00Z"}),
		osvEntry("DSA-0010-1", nil, "Debian:12", "curl", "ECOSYSTEM", []ev{{"introduced": "0"}, {"fixed": "7.88.1-10+deb12u10"}}, nil, nil), // deb12u5 < deb12u10
		// Alpine v3.20, matched by origin.
		osvEntry("ALPINE-0001", []string{"CVE-2026-1001"}, "Alpine:v3.20", "openssl", "ECOSYSTEM", []ev{{"introduced": "0"}, {"fixed": "3.3.2-r1"}}, nil, map[string]any{"database_specific": map[string]string{"severity": "HIGH"}}),
		osvEntry("ALPINE-0002", nil, "Alpine:v3.19", "openssl", "ECOSYSTEM", []ev{{"introduced": "0"}, {"fixed": "3.3.9-r0"}}, nil, nil),
		osvEntry("ALPINE-0003", nil, "Alpine:v3.20", "busybox", "ECOSYSTEM", []ev{{"introduced": "0"}, {"fixed": "1.36.1-r29"}}, nil, nil),
		osvEntry("ALPINE-0004", nil, "Alpine:v3.20", "libcrypto3", "ECOSYSTEM", []ev{{"introduced": "0"}}, nil, nil), // binary name
		// Go.
		osvEntry("GO-2026-0001", []string{"CVE-2026-2001", "GHSA-aaaa-bbbb-cccc"}, "Go", "golang.org/x/text", "SEMVER", []ev{{"introduced": "0"}, {"fixed": textBump(t, fx.Bin.TextVer, 0)}}, nil, nil),
		osvEntry("GO-2026-0002", []string{"CVE-2026-2002", "GHSA-dddd-eeee-ffff"}, "Go", "golang.org/x/text", "SEMVER", []ev{{"introduced": textBump(t, fx.Bin.TextVer, -3)}, {"fixed": textBump(t, fx.Bin.TextVer, 1)}}, nil, nil),
		osvEntry("GO-2026-0003", nil, "Go", "golang.org/x/text", "SEMVER", []ev{{"introduced": textBump(t, fx.Bin.TextVer, 1)}}, nil, nil),
		osvEntry("GO-2026-0004", []string{"CVE-2026-2004"}, "Go", "stdlib", "SEMVER", []ev{{"introduced": "0"}, {"fixed": nextPatch(t, goV)}}, nil, nil),
		osvEntry("GO-2026-0005", nil, "Go", "stdlib", "SEMVER", []ev{{"introduced": "0"}, {"fixed": "1.20.0"}}, nil, nil),
		osvEntry("GO-2026-0006", nil, "Go", "stdlib", "SEMVER", []ev{{"introduced": "1.20.0"}, {"last_affected": goV}}, nil, nil),
		osvEntry("GO-2026-0007", nil, "Go", "stdlib", "SEMVER", []ev{{"introduced": "0"}, {"fixed": goV}}, nil, nil),
	}
	dir := t.TempDir()
	zipPath := filepath.Join(t.TempDir(), "all.zip")
	zf, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	for _, e := range entries {
		b, err := json.MarshalIndent(e, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		fn := e["id"].(string) + ".json"
		if err := os.WriteFile(filepath.Join(dir, fn), b, 0o644); err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(fn)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := os.WriteFile(filepath.Join(dir, "README.txt"), []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zf.Close()

	want := []string{
		"ALPINE-0001 Alpine/openssl@3.3.2-r0 fixed=3.3.2-r1 sev=HIGH/0 aliases=CVE-2026-1001",
		"DEBIAN-CVE-2026-0008 Debian/zlib@1:1.2.13.dfsg-1 fixed= sev=LOW/0 aliases=CVE-2026-0008",
		"DLA-0003-1 Debian/glibc@2.36-9+deb12u4 fixed= sev=/0 aliases=CVE-2026-0003",
		"DSA-0002-1 Debian/openssl@3.0.15-1~deb12u1 fixed=3.0.16-1~deb12u1 sev=CRITICAL/9.8 aliases=CVE-2026-0002",
		"DSA-0010-1 Debian/curl@7.88.1-10+deb12u5 fixed=7.88.1-10+deb12u10 sev=/0 aliases=",
		"GO-2026-0002 Go/golang.org/x/text@" + fx.Bin.TextVer + " fixed=" + textBump(t, fx.Bin.TextVer, 1) + " sev=/0 aliases=CVE-2026-2002,GHSA-dddd-eeee-ffff",
		"GO-2026-0004 Go/stdlib@" + goV + " fixed=" + nextPatch(t, goV) + " sev=/0 aliases=CVE-2026-2004",
		"GO-2026-0006 Go/stdlib@" + goV + " fixed= sev=/0 aliases=",
	}
	for _, load := range []struct {
		name string
		fn   func(*vuln.DB) error
	}{{"dir", func(db *vuln.DB) error { return db.LoadDir(dir) }}, {"zip", func(db *vuln.DB) error { return db.LoadZipFile(zipPath) }}} {
		t.Run(load.name, func(t *testing.T) {
			db := vuln.NewDB()
			if err := load.fn(db); err != nil {
				t.Fatal(err)
			}
			if db.Len() != len(entries)-1 || db.Skipped != 1 {
				t.Fatalf("loaded %d entries, skipped %d", db.Len(), db.Skipped)
			}
			qs := append(vuln.QueriesFor(deb.Packages, deb.OS), vuln.QueriesFor(alp.Packages, alp.OS)...)
			ms, errs := db.MatchAll(qs)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			var got []string
			for _, m := range ms {
				got = append(got, fmt.Sprintf("%s %s/%s@%s fixed=%s sev=%s/%g aliases=%s", m.ID, m.Query.Ecosystem, m.Query.Name, m.Query.Version, m.Fixed, m.Severity.Level, m.Severity.Score, strings.Join(m.Aliases, ",")))
			}
			sort.Strings(got)
			assertLines(t, got, want)
		})
	}
}
