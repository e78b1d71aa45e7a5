package imagescan

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
	"github.com/bulwark-sec/bulwark/internal/sign"
	"github.com/bulwark-sec/bulwark/internal/sign/signtest"
	"github.com/bulwark-sec/bulwark/internal/vuln"
)

const dpkgStatus = `Package: libssl3
Status: install ok installed
Version: 3.0.15-1~deb12u1
Source: openssl

Package: openssl
Status: install ok installed
Version: 3.0.15-1~deb12u1

Package: zlib1g
Status: install ok installed
Version: 1:1.2.13.dfsg-1
Source: zlib
`

// testDB is a real vuln.DB with a fixed digest.
type testDB struct {
	*vuln.DB
	digest string
}

func (d testDB) Digest() string { return d.digest }

func (d testDB) Has(eco string) bool { return !strings.HasPrefix(eco, "Alpine") }

func goVersion() string { return strings.TrimPrefix(runtime.Version(), "go") }

func newDB(t *testing.T, digest string, entries ...map[string]any) testDB {
	t.Helper()
	db := vuln.NewDB()
	for _, e := range entries {
		b, _ := json.Marshal(e)
		if err := db.AddJSON(b); err != nil {
			t.Fatal(err)
		}
	}
	return testDB{db, digest}
}

func entry(id, eco, pkg string, events ...map[string]string) map[string]any {
	return map[string]any{"id": id, "modified": "2026-11-01T00:00:00Z", "affected": []any{map[string]any{
		"package": map[string]string{"ecosystem": eco, "name": pkg},
		"ranges":  []any{map[string]any{"type": "ECOSYSTEM", "events": events}},
	}}}
}

func ev(k, v string) map[string]string { return map[string]string{k: v} }

// debianApp is a Debian 12 image whose second layer adds a Go binary.
func debianApp(t *testing.T, arch string, bin []byte) v1.Image {
	return imagetest.Image(t, arch, nil,
		imagetest.Layer(t,
			imagetest.File{Name: "etc/os-release", Content: []byte("ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n")},
			imagetest.File{Name: "var/lib/dpkg/status", Content: []byte(dpkgStatus)}),
		imagetest.Layer(t, imagetest.File{Name: "app", Content: bin, Mode: 0o755}))
}

var stdlibBinary []byte

func binary(t *testing.T) []byte {
	if stdlibBinary == nil {
		stdlibBinary = imagetest.BuildGo(t, imagetest.GoProgram{})
	}
	return stdlibBinary
}

func testEntries() []map[string]any {
	goV := goVersion()
	sev := map[string]any{"severity": []any{map[string]string{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}}
	e1 := entry("DSA-1-1", "Debian:12", "openssl", ev("introduced", "0"), ev("fixed", "3.0.16-1~deb12u1"))
	for k, v := range sev {
		e1[k] = v
	}
	return []map[string]any{
		e1,
		entry("DSA-2-1", "Debian:12", "openssl", ev("introduced", "0"), ev("fixed", "3.0.15-1~deb12u1")), // fixed at the installed version
		entry("DSA-3-1", "Debian:12", "zlib", ev("introduced", "0")),                                     // no fix
		entry("DSA-4-1", "Debian:12", "libssl3", ev("introduced", "0")),                                  // binary name: not how Debian names advisories
		entry("GO-1", "Go", "stdlib", ev("introduced", "0"), ev("fixed", goV+"9")),
	}
}

func TestScanRegistryImageMultiArch(t *testing.T) {
	host := imagetest.Registry(t)
	bin := binary(t)
	idx := imagetest.Index(t, debianApp(t, "amd64", bin), debianApp(t, "arm64", bin), debianApp(t, "s390x", bin))
	d := imagetest.Push(t, host+"/shop/app:1.0", idx)
	db := newDB(t, "db1", testEntries()...)
	cache := &Cache{Dir: t.TempDir()}
	opt := Options{DB: db, Cache: cache, VerifyMissing: "no trust policy"}

	res := Scan(context.Background(), []Target{{Ref: host + "/shop/app:1.0"}}, opt)
	if len(res) != 1 || res[0].Err != "" {
		t.Fatalf("results %+v", res)
	}
	r := res[0]
	if r.Digest != d.String() || r.Repository != host+"/shop/app" {
		t.Errorf("digest %s repo %s, want %s", r.Digest, r.Repository, d)
	}
	if !slices.Equal(r.Platforms, []string{"linux/amd64", "linux/arm64"}) {
		t.Errorf("platforms %v: want the default amd64 and arm64 only", r.Platforms)
	}
	var got []string
	for _, v := range r.Vulnerabilities {
		got = append(got, fmt.Sprintf("%s %s %s fixed=%s sev=%s bins=%v layer=%d %v", v.ID, v.Package, v.Version, v.Fixed, v.Severity, v.Binaries, v.Layer, v.Platforms))
	}
	want := []string{
		"DSA-1-1 openssl 3.0.15-1~deb12u1 fixed=3.0.16-1~deb12u1 sev=CRITICAL bins=[libssl3] layer=0 [linux/amd64 linux/arm64]",
		"DSA-3-1 zlib 1:1.2.13.dfsg-1 fixed= sev= bins=[zlib1g] layer=0 [linux/amd64 linux/arm64]",
		fmt.Sprintf("GO-1 stdlib %s fixed=%s9 sev= bins=[] layer=1 [linux/amd64 linux/arm64]", goVersion(), goVersion()),
	}
	if !slices.Equal(got, want) {
		t.Errorf("vulnerabilities:\n got %q\nwant %q", got, want)
	}
	if r.Cached || r.OS != "Debian GNU/Linux 12 (bookworm)" || r.Packages != 4 {
		t.Errorf("cached=%v os=%q packages=%d", r.Cached, r.OS, r.Packages)
	}
	if r.Drift == nil || r.Drift.Current != d.String() || r.Drift.Moved() {
		t.Errorf("drift %+v", r.Drift)
	}
	if r.Assessed(AspectSignature) {
		t.Error("signature assessed without a verifier")
	}

	// Same digest, same database: from the cache.
	again := Scan(context.Background(), []Target{{Ref: host + "/shop/app:1.0"}}, opt)[0]
	if !again.Cached || !slices.EqualFunc(again.Vulnerabilities, r.Vulnerabilities, func(a, b Vulnerability) bool { return fmt.Sprint(a) == fmt.Sprint(b) }) {
		t.Errorf("second scan: cached=%v, %d vulnerabilities", again.Cached, len(again.Vulnerabilities))
	}
	// A new database re-matches the record; --ignore-unfixed drops DSA-3-1.
	opt.DB = newDB(t, "db2", testEntries()...)
	opt.IgnoreUnfixed = true
	third := Scan(context.Background(), []Target{{Ref: host + "/shop/app:1.0"}}, opt)[0]
	if third.Cached || len(third.Vulnerabilities) != 2 {
		t.Errorf("new database: cached=%v, %d vulnerabilities", third.Cached, len(third.Vulnerabilities))
	}
}

func TestScanDriftAndRecordsOnly(t *testing.T) {
	host := imagetest.Registry(t)
	bin := binary(t)
	old := imagetest.Push(t, host+"/shop/api:2", debianApp(t, "amd64", bin))
	cache := &Cache{Dir: t.TempDir()}
	opt := Options{DB: newDB(t, "db1", testEntries()...), Cache: cache}
	if r := Scan(context.Background(), []Target{{Ref: host + "/shop/api:2"}}, opt)[0]; r.Err != "" {
		t.Fatal(r.Err)
	}
	// The tag moves to a rebuilt image; a pod still runs the old digest.
	moved := imagetest.Push(t, host+"/shop/api:2", imagetest.Image(t, "amd64", map[string]string{"rebuilt": "yes"}, imagetest.Layer(t, imagetest.File{Name: "etc/os-release", Content: []byte("ID=debian\nVERSION_ID=12\n")})))
	tgt := Target{Ref: host + "/shop/api:2", Uses: []Use{{Field: "spec.containers[0].image", Running: old.String()}}}
	r := Scan(context.Background(), []Target{tgt}, opt)[0]
	if r.Digest != old.String() || !r.Drift.Moved() || r.Drift.Current != moved.String() {
		t.Fatalf("drift: digest %s drift %+v", r.Digest, r.Drift)
	}
	if len(r.Vulnerabilities) != 3 {
		t.Errorf("running digest: %d vulnerabilities, want 3 (what runs is scanned, not what the tag points to)", len(r.Vulnerabilities))
	}

	// Records only: the old digest was scanned, an unknown digest was not.
	opt.RecordsOnly = true
	never := "sha256:" + strings.Repeat("e", 64)
	res := Scan(context.Background(), []Target{tgt, {Ref: host + "/shop/api@" + never}}, opt)
	if res[0].NeverScanned || len(res[0].Vulnerabilities) != 3 {
		t.Errorf("recorded digest: never=%v vulns=%d", res[0].NeverScanned, len(res[0].Vulnerabilities))
	}
	if !res[1].NeverScanned || res[1].Assessed(AspectVulnerabilities) {
		t.Errorf("unrecorded digest: %+v", res[1])
	}
}

func TestScanUnreachableAndBadRefs(t *testing.T) {
	srv := httptest.NewServer(nil)
	host := strings.TrimPrefix(srv.URL, "http://")
	srv.Close()
	res := Scan(context.Background(), []Target{{Ref: host + "/gone/app:1"}, {Ref: "UPPER/Case::bad"}, {Ref: "app@sha256:short"}, {Ref: "./missing.tar"}, {Ref: "build/app.tar"}}, Options{})
	for _, r := range res {
		if r.Err == "" {
			t.Errorf("%s: no error", r.Ref)
		}
	}
	for _, r := range res[3:] {
		if !strings.Contains(r.Err, "no such file") {
			t.Errorf("%s: %q, want a missing-file error (never a registry lookup)", r.Ref, r.Err)
		}
	}
}

func TestScanLocalLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "layout")
	imagetest.Layout(t, dir, debianApp(t, "amd64", binary(t)))
	r := Scan(context.Background(), []Target{{Ref: dir}}, Options{DB: newDB(t, "db1", testEntries()...)})[0]
	if r.Err != "" || !r.Local || len(r.Vulnerabilities) != 3 {
		t.Fatalf("layout: %+v", r)
	}
	if r.Assessed(AspectSignature) || r.Drift != nil {
		t.Error("a local image cannot have its signature or drift assessed")
	}
}

func TestParseRef(t *testing.T) {
	d := "sha256:" + strings.Repeat("a", 64)
	tests := []struct{ in, repo, tag, digest string }{
		{"nginx", "index.docker.io/library/nginx", "latest", ""},
		{"nginx:1.27", "index.docker.io/library/nginx", "1.27", ""},
		{"nginx@" + d, "index.docker.io/library/nginx", "", d},
		{"nginx:1.27@" + d, "index.docker.io/library/nginx", "1.27", d},
		{"localhost:5000/app@" + d, "localhost:5000/app", "", d},
		{"localhost:5000/app", "localhost:5000/app", "latest", ""},
	}
	for _, tt := range tests {
		r, err := parseRef(tt.in, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if r.repo.Name() != tt.repo || r.tag != tt.tag || r.digest != tt.digest {
			t.Errorf("%s: got %s %q %q", tt.in, r.repo.Name(), r.tag, r.digest)
		}
	}
}

func TestArtifactTags(t *testing.T) {
	h := strings.Repeat("ab", 32)
	for tag, want := range map[string]bool{
		"sha256-" + h: true, "sha256-" + h + ".sig": true, "sha256-" + h + ".att": true,
		"1.0": false, "sha256-" + h[:10]: false, "sha256-" + h + ".txt": false, "latest": false,
	} {
		if ArtifactTag(tag) != want {
			t.Errorf("ArtifactTag(%q) = %v", tag, !want)
		}
	}
}

func TestCacheCorruptEntryIsAMiss(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	d := "sha256:" + strings.Repeat("f", 64)
	if err := os.MkdirAll(filepath.Join(c.Dir, "records"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.recordPath(d), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := c.Record(d)
	if r != nil || err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("corrupt record: %v %v", r, err)
	}
}

// A pod whose runtime recorded the platform manifest of the index its tag
// names runs what the tag points to: no drift.
func TestPlatformDigestIsNoDrift(t *testing.T) {
	host := imagetest.Registry(t)
	amd := debianApp(t, "amd64", binary(t))
	idx := imagetest.Index(t, amd, debianApp(t, "arm64", binary(t)))
	imagetest.Push(t, host+"/shop/web:1", idx)
	platform, err := amd.Digest()
	if err != nil {
		t.Fatal(err)
	}
	tgt := Target{Ref: host + "/shop/web:1", Uses: []Use{{Running: platform.String()}}}
	r := Scan(context.Background(), []Target{tgt}, Options{DB: newDB(t, "db", testEntries()...)})[0]
	if r.Err != "" || r.Drift == nil || r.Drift.Moved() {
		t.Fatalf("platform digest of the tag's index reported as drift: %+v / %v", r.Drift, r.Err)
	}
	if r.Digest != platform.String() || len(r.Vulnerabilities) != 3 {
		t.Errorf("assessed %s with %d vulnerabilities, want the running platform image", r.Digest, len(r.Vulnerabilities))
	}
}

// The signature of a multi-platform image hangs off its index; a pod that
// runs one of its platform manifests runs a signed image.
func TestPlatformDigestVerifiesThroughItsIndex(t *testing.T) {
	host := imagetest.Registry(t)
	ca := signtest.NewCA(t)
	trust, err := sign.LoadTrustDir(ca.WriteTrustDir(t, t.TempDir(), "*"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := sign.NewVerifier(trust, sign.Options{})
	if err != nil {
		t.Fatal(err)
	}
	verify := func(ctx context.Context, repo string, d v1.Hash) (*Signature, error) {
		r, err := v.VerifyDigest(ctx, repo, d)
		if err != nil {
			return nil, err
		}
		return &Signature{Verified: r.Verified, Reason: r.Reason}, nil
	}
	amd := debianApp(t, "amd64", binary(t))
	imagetest.Push(t, host+"/shop/signed:1", imagetest.Index(t, amd, debianApp(t, "arm64", binary(t))))
	ca.Sign(t, host+"/shop/signed:1")
	platform, _ := amd.Digest()

	tgt := Target{Ref: host + "/shop/signed:1", Uses: []Use{{Running: platform.String()}}}
	r := Scan(context.Background(), []Target{tgt}, Options{Verify: verify})[0]
	if r.Signature == nil || !r.Signature.Verified {
		t.Errorf("platform image of a signed index: %+v", r.Signature)
	}
	// The same platform image under a tag that does not name that index
	// gets no credit from it.
	imagetest.Push(t, host+"/shop/other:1", amd)
	r = Scan(context.Background(), []Target{{Ref: host + "/shop/other:1", Uses: []Use{{Running: platform.String()}}}}, Options{Verify: verify})[0]
	if r.Signature == nil || r.Signature.Verified {
		t.Errorf("unsigned platform image verified: %+v", r.Signature)
	}
}

// TestMergeSame: advisories of one installed package that share an id
// through aliases, upstream or related ids are one finding with the
// highest rating, the highest fix and every id; others stay apart.
func TestMergeSame(t *testing.T) {
	v := func(id, pkg, sev, fixed string, aliases ...string) Vulnerability {
		return Vulnerability{ID: id, Type: "deb", Package: pkg, Version: "1.0-1", Path: "var/lib/dpkg/status", Severity: sev, Fixed: fixed, Aliases: aliases, Platforms: []string{"linux/amd64"}}
	}
	got := mergeSame([]Vulnerability{
		v("UBUNTU-CVE-2026-1", "openssl", "MEDIUM", "1.0-2", "CVE-2026-1"),
		v("USN-7000-1", "openssl", "", "1.0-10", "CVE-2026-1", "CVE-2026-2"), // related CVEs
		v("UBUNTU-CVE-2026-2", "openssl", "HIGH", "", "CVE-2026-2"),
		v("UBUNTU-CVE-2026-3", "openssl", "LOW", "", "CVE-2026-3"), // shares nothing: apart
		v("UBUNTU-CVE-2026-1", "curl", "LOW", "", "CVE-2026-1"),    // another package: apart
		v("GO-2026-1", "openssl", "", "", "GHSA-aaaa-bbbb-cccc"),
		v("GHSA-aaaa-bbbb-cccc", "openssl", "CRITICAL", "", "CVE-2026-9"),
	})
	var lines []string
	for _, x := range got {
		lines = append(lines, fmt.Sprintf("%s/%s %s fixed=%s %s", x.ID, x.Package, x.Severity, x.Fixed, strings.Join(x.Aliases, ",")))
	}
	slices.Sort(lines)
	want := []string{
		"GHSA-aaaa-bbbb-cccc/openssl CRITICAL fixed= CVE-2026-9,GO-2026-1",
		"UBUNTU-CVE-2026-1/curl LOW fixed= CVE-2026-1",
		"UBUNTU-CVE-2026-3/openssl LOW fixed= CVE-2026-3",
		"USN-7000-1/openssl HIGH fixed=1.0-10 CVE-2026-1,CVE-2026-2,UBUNTU-CVE-2026-1,UBUNTU-CVE-2026-2",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestUbuntuNoticeAndTrackerOneFinding: Ubuntu's OSV export has a USN
// naming the CVEs it fixes under "related" and an UBUNTU-CVE entry naming
// its CVE under "upstream", rated differently: one finding, rated high.
func TestUbuntuNoticeAndTrackerOneFinding(t *testing.T) {
	img := imagetest.Image(t, "amd64", nil, imagetest.Layer(t,
		imagetest.File{Name: "etc/os-release", Content: []byte("ID=ubuntu\nVERSION_ID=\"22.04\"\n")},
		imagetest.File{Name: "var/lib/dpkg/status", Content: []byte(dpkgStatus)}))
	dir := filepath.Join(t.TempDir(), "layout")
	imagetest.Layout(t, dir, img)
	usn := entry("USN-7000-1", "Ubuntu:22.04:LTS", "openssl", ev("introduced", "0"), ev("fixed", "3.0.15-1~deb12u2"))
	usn["related"] = []string{"CVE-2026-1", "UBUNTU-CVE-2026-1"}
	usn["severity"] = []any{map[string]string{"type": "Ubuntu", "score": "medium"}}
	tracker := entry("UBUNTU-CVE-2026-1", "Ubuntu:22.04:LTS", "openssl", ev("introduced", "0"))
	tracker["upstream"] = []string{"CVE-2026-1"}
	tracker["severity"] = []any{map[string]string{"type": "Ubuntu", "score": "high"}}
	r := Scan(context.Background(), []Target{{Ref: dir}}, Options{DB: newDB(t, "db1", usn, tracker)})[0]
	if r.Err != "" || len(r.Vulnerabilities) != 1 {
		t.Fatalf("want one finding, got %+v", r.Vulnerabilities)
	}
	v := r.Vulnerabilities[0]
	if v.ID != "USN-7000-1" || v.Severity != "HIGH" || v.Fixed != "3.0.15-1~deb12u2" || strings.Join(v.Aliases, ",") != "CVE-2026-1,UBUNTU-CVE-2026-1" {
		t.Errorf("merged finding: %+v", v)
	}
}

// TestGoAdvisoriesOfOtherPlatforms: a Go advisory limited to other
// platforms (ecosystem_specific.imports[].goos/goarch) is not reported on
// a binary built for this one, read from its build settings.
func TestGoAdvisoriesOfOtherPlatforms(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "layout")
	imagetest.Layout(t, dir, imagetest.Image(t, runtime.GOARCH, nil, imagetest.Layer(t, imagetest.File{Name: "app", Content: binary(t), Mode: 0o755})))
	other := "ppc64le"
	if runtime.GOARCH == other {
		other = "amd64"
	}
	limited := func(id string, imports ...map[string]any) map[string]any {
		e := entry(id, "Go", "stdlib", ev("introduced", "0"))
		e["affected"].([]any)[0].(map[string]any)["ecosystem_specific"] = map[string]any{"imports": imports}
		return e
	}
	db := newDB(t, "db1",
		limited("GO-WINDOWS", map[string]any{"path": "os", "goos": []string{"windows"}}),
		limited("GO-OTHER-ARCH", map[string]any{"path": "crypto/x", "goarch": []string{other}}),
		limited("GO-THIS", map[string]any{"path": "os", "goos": []string{"windows"}}, map[string]any{"path": "net", "goos": []string{runtime.GOOS}, "goarch": []string{runtime.GOARCH}}),
		limited("GO-ANY", map[string]any{"path": "net"}),
	)
	r := Scan(context.Background(), []Target{{Ref: dir}}, Options{DB: db})[0]
	var ids []string
	for _, v := range r.Vulnerabilities {
		ids = append(ids, v.ID)
	}
	if r.Err != "" || strings.Join(ids, " ") != "GO-ANY GO-THIS" {
		t.Fatalf("want GO-ANY GO-THIS, got %v (%s)", ids, r.Err)
	}
}
