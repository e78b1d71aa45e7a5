package cli

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
	"github.com/bulwark-sec/bulwark/internal/report/schematest"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/sign/signtest"
	"github.com/bulwark-sec/bulwark/internal/testutil/sariftool"
)

// goVulnDBDir is the golang.org/x/vulndb module hack/install-tools.sh puts
// in the module cache. CI sets BULWARK_REQUIRE_TOOLS so a missing one fails.
func goVulnDBDir(t *testing.T) string {
	t.Helper()
	d := os.Getenv("BULWARK_GOVULNDB_DIR")
	if d == "" {
		if os.Getenv("BULWARK_REQUIRE_TOOLS") != "" {
			t.Fatal("BULWARK_GOVULNDB_DIR is not set: run `eval \"$(hack/install-tools.sh)\"`")
		}
		t.Skip("BULWARK_GOVULNDB_DIR not set (hack/install-tools.sh)")
	}
	return d
}

const debianStatus = `Package: libssl3
Status: install ok installed
Version: 3.0.15-1~deb12u1
Source: openssl

Package: openssl
Status: install ok installed
Version: 3.0.15-1~deb12u1

Package: libcurl4
Status: install ok installed
Version: 7.88.1-10+deb12u5
Source: curl

Package: old-removed
Status: deinstall ok config-files
Version: 1.0-1
`

const alpineInstalled = `P:libcrypto3
V:3.3.2-r0
o:openssl

P:busybox
V:1.36.1-r29
o:busybox

`

// osvZip writes OSV advisories for the distro packages above: which of
// them affect the images is decided by hand below, entry by entry.
func osvZip(t *testing.T) string {
	t.Helper()
	type e = map[string]any
	rng := func(events ...e) []any { return []any{e{"type": "ECOSYSTEM", "events": events}} }
	adv := func(id, eco, pkg string, ranges []any, extra e) e {
		a := e{"id": id, "modified": "2026-11-20T00:00:00Z", "affected": []any{e{"package": e{"ecosystem": eco, "name": pkg}, "ranges": ranges}}}
		for k, v := range extra {
			a[k] = v
		}
		return a
	}
	cvss := e{"severity": []any{e{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}, "aliases": []string{"CVE-2026-1111"}}
	entries := []e{
		adv("DSA-9001-1", "Debian:12", "openssl", rng(e{"introduced": "0"}, e{"fixed": "3.0.16-1~deb12u1"}), cvss),                                      // affects: 3.0.15 < 3.0.16
		adv("DSA-9002-1", "Debian:12", "openssl", rng(e{"introduced": "0"}, e{"fixed": "3.0.15-1~deb12u1"}), nil),                                       // fixed at the installed version
		adv("DSA-9003-1", "Debian:11", "curl", rng(e{"introduced": "0"}, e{"fixed": "7.99.0-1"}), nil),                                                  // another release
		adv("DLA-9004-1", "Debian:12", "curl", rng(e{"introduced": "0"}, e{"last_affected": "7.88.1-10+deb12u5"}), nil),                                 // affects, no fix
		adv("DSA-9005-1", "Debian:12", "libssl3", rng(e{"introduced": "0"}), nil),                                                                       // binary name: never how Debian names advisories
		adv("DSA-9006-1", "Debian:12", "old-removed", rng(e{"introduced": "0"}), nil),                                                                   // not installed
		adv("ALPINE-9101", "Alpine:v3.20", "openssl", rng(e{"introduced": "0"}, e{"fixed": "3.3.2-r1"}), e{"database_specific": e{"severity": "HIGH"}}), // affects, by origin
		adv("ALPINE-9102", "Alpine:v3.20", "busybox", rng(e{"introduced": "0"}, e{"fixed": "1.36.1-r29"}), nil),                                         // fixed at the installed version
	}
	path := filepath.Join(t.TempDir(), "all.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, en := range entries {
		w, err := zw.Create(en["id"].(string) + ".json")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.NewEncoder(w).Encode(en); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// reviewedGoVulns are the golang.org/x/vulndb (v0.0.0-20261105234957)
// advisories affecting a binary built by Go 1.26.8 with golang.org/x/text
// v0.3.5, read off data/osv by hand: x/text < 0.3.7, < 0.3.8, < 0.39.0 and
// < 0.41.0; and the standard library advisories fixed in 1.26.9 or 1.26.10,
// less GO-2026-6604, whose vulnerable symbols exist only on windows (its
// imports list goos: [windows]) while the test binary is linux/amd64.
var reviewedGoVulns = []string{
	"GO-2021-0113", "GO-2022-1059", "GO-2026-5970", "GO-2026-6629",
	"GO-2026-6599", "GO-2026-6600", "GO-2026-6603", "GO-2026-6605", "GO-2026-6607", "GO-2026-6608",
	"GO-2026-6609", "GO-2026-6610", "GO-2026-6611", "GO-2026-6612", "GO-2026-6613", "GO-2026-6617", "GO-2026-6809",
}

type imageFixture struct {
	host, app, alpine string
	appDigest         v1.Hash
	db, cache         string
}

func newImageFixture(t *testing.T) imageFixture {
	t.Helper()
	if v := runtime.Version(); v != "go1.26.8" {
		t.Fatalf("the reviewed Go advisories are for go1.26.8, this is %s: review reviewedGoVulns again", v)
	}
	bin := imagetest.BuildGo(t, imagetest.GoProgram{Requires: []string{"golang.org/x/text v0.3.5"}, Imports: []string{"golang.org/x/text/language"}})
	fx := imageFixture{host: imagetest.Registry(t), db: t.TempDir(), cache: t.TempDir()}
	fx.app, fx.alpine = fx.host+"/shop/app:1.0", fx.host+"/base/alpine:3.20"
	fx.appDigest = imagetest.Push(t, fx.app, imagetest.Image(t, "amd64", nil,
		imagetest.Layer(t,
			imagetest.File{Name: "etc/os-release", Content: []byte("ID=debian\nVERSION_ID=\"12\"\n")},
			imagetest.File{Name: "var/lib/dpkg/status", Content: []byte(debianStatus)}),
		imagetest.Layer(t, imagetest.File{Name: "usr/local/bin/app", Content: bin, Mode: 0o755})))
	imagetest.Push(t, fx.alpine, imagetest.Image(t, "amd64", nil, imagetest.Layer(t,
		imagetest.File{Name: "etc/os-release", Content: []byte("ID=alpine\nVERSION_ID=3.20.3\n")},
		imagetest.File{Name: "lib/apk/db/installed", Content: []byte(alpineInstalled)})))

	if code, _, stderr := run(t, "", "db", "import", "--db-dir", fx.db, osvZip(t), "--go-vulndb-dir", goVulnDBDir(t)); code != 0 {
		t.Fatalf("db import: exit %d: %s", code, stderr)
	}
	return fx
}

// jsonReport is the part of the JSON report the image tests read.
type jsonReport struct {
	Findings []struct {
		CheckID  string `json:"checkID"`
		Field    string `json:"field"`
		Message  string `json:"message"`
		Evidence string `json:"evidence"`
		Status   string `json:"status"`
		Subject  struct {
			Name string `json:"name"`
		} `json:"subject"`
	} `json:"findings"`
	Warnings []string `json:"warnings"`
	Errors   []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

func decodeReport(t *testing.T, out string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out)
	}
	if err := schematest.Validate([]byte(out)); err != nil {
		t.Errorf("the report does not match docs/report.schema.json: %v", err)
	}
	return r
}

// advisory is the advisory id at the end of a vulnerability finding's field.
func advisory(field string) string {
	i := strings.LastIndex(field, "[")
	return field[i+1 : len(field)-1]
}

func TestScanImageFindsExactlyTheImpliedVulnerabilities(t *testing.T) {
	fx := newImageFixture(t)
	args := []string{"scan", "image", fx.app, fx.alpine, "--db-dir", fx.db, "--cache-dir", fx.cache, "--no-base-check", "-f", "json", "--as-of", "2026-11-26"}
	code, out, stderr := run(t, "", args...)
	if code != 1 {
		t.Fatalf("exit %d (want 1: DSA-9001-1 is critical): %s", code, stderr)
	}
	rep := decodeReport(t, out)
	got := map[string][]string{}
	for _, f := range rep.Findings {
		if !strings.HasPrefix(f.CheckID, "IMG-00") {
			t.Errorf("unexpected finding %s %s", f.CheckID, f.Message)
			continue
		}
		got[f.Subject.Name] = append(got[f.Subject.Name], f.CheckID+" "+advisory(f.Field))
	}
	wantApp := []string{"IMG-001 DSA-9001-1", "IMG-005 DLA-9004-1"}
	for _, id := range reviewedGoVulns {
		wantApp = append(wantApp, "IMG-005 "+id)
	}
	for name, want := range map[string][]string{fx.app: wantApp, fx.alpine: {"IMG-002 ALPINE-9101"}} {
		g := got[name]
		slices.Sort(g)
		slices.Sort(want)
		if !slices.Equal(g, want) {
			t.Errorf("%s:\n got %q\nwant %q", name, g, want)
		}
	}
	// The Go finding names the module, the binary and the layer.
	for _, f := range rep.Findings {
		if advisory(f.Field) == "GO-2021-0113" && (!strings.Contains(f.Message, "golang.org/x/text v0.3.5") || !strings.Contains(f.Message, "fixed in 0.3.7") || !strings.Contains(f.Message, "usr/local/bin/app") || !strings.Contains(f.Message, "layer 1")) {
			t.Errorf("Go finding message: %s", f.Message)
		}
	}
	// No trust policy: the signature checks say they did not run.
	if !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, "IMG-010, IMG-011 not run") }) {
		t.Errorf("warnings %q lack the signature note", rep.Warnings)
	}

	// Again: from the cache, same findings.
	code2, out2, _ := run(t, "", args...)
	if code2 != code || len(decodeReport(t, out2).Findings) != len(rep.Findings) {
		t.Errorf("cached run: exit %d, %d findings", code2, len(decodeReport(t, out2).Findings))
	}

	// A policy exception selects the image by reference and the advisory by
	// its CVE alias.
	pol := filepath.Join(t.TempDir(), "bulwark.yaml")
	if err := os.WriteFile(pol, []byte(fmt.Sprintf(`apiVersion: bulwark.dev/v1alpha1
kind: Policy
exceptions:
- checks: [IMG-001]
  resources: {image: "%s", vulnerabilities: [CVE-2026-1111]}
  reason: openssl fix is rolled out with the next base image
  owner: platform@contoso.com
  expires: 2026-12-31
`, fx.app)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out4, stderr := run(t, "", "scan", "image", fx.app, "--db-dir", fx.db, "--cache-dir", fx.cache, "--no-base-check", "-f", "json", "--as-of", "2026-11-26", "--policy", pol)
	if code != 0 {
		t.Errorf("excepted critical: exit %d: %s", code, stderr)
	}
	for _, f := range decodeReport(t, out4).Findings {
		if f.CheckID == "IMG-001" && f.Status != "excepted" {
			t.Errorf("IMG-001 status %s, want excepted", f.Status)
		}
	}

	// --ignore-unfixed drops the advisories without a fix (DLA-9004-1).
	_, out3, _ := run(t, "", append(args, "--ignore-unfixed")...)
	for _, f := range decodeReport(t, out3).Findings {
		if advisory(f.Field) == "DLA-9004-1" {
			t.Error("--ignore-unfixed kept an unfixed advisory")
		}
	}
}

func TestScanImageIncompleteVerdicts(t *testing.T) {
	fx := newImageFixture(t)
	// No database at all: exit 2 and say how to import one.
	code, _, stderr := run(t, "", "scan", "image", fx.app, "--db-dir", t.TempDir(), "--no-cache", "--no-base-check", "-f", "json")
	if code != 2 || !strings.Contains(stderr, "db import") {
		t.Errorf("no database: exit %d, stderr %s", code, stderr)
	}
	// Only Go data: the Debian packages were not checked, which is no pass.
	goOnly := t.TempDir()
	if c, _, e := run(t, "", "db", "import", "--db-dir", goOnly, "--go-vulndb-dir", goVulnDBDir(t)); c != 0 {
		t.Fatal(e)
	}
	code, out, _ := run(t, "", "scan", "image", fx.app, "--db-dir", goOnly, "--no-cache", "--no-base-check", "-f", "json", "--fail-on", "none")
	rep := decodeReport(t, out)
	if code != 2 || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Message, "no data for Debian") {
		t.Errorf("uncovered ecosystem: exit %d, errors %+v", code, rep.Errors)
	}
	// A registry that is gone: exit 2, never a pass.
	code, _, stderr = run(t, "", "scan", "image", "127.0.0.1:1/gone/app:1", "--db-dir", fx.db, "--no-cache", "--no-base-check", "-f", "json")
	if code != 2 || !strings.Contains(stderr, "image not assessed") {
		t.Errorf("unreachable registry: exit %d, stderr %s", code, stderr)
	}
}

func TestVerifyImageAndDrift(t *testing.T) {
	host := imagetest.Registry(t)
	ca, other := signtest.NewCA(t), signtest.NewCA(t)
	trust := ca.WriteTrustDir(t, t.TempDir(), "*")

	signed, unsigned, foreign := host+"/shop/signed:1", host+"/shop/unsigned:1", host+"/shop/foreign:1"
	signedDigest := signtest.PushRandomImage(t, signed)
	ca.Sign(t, signed)
	signtest.PushRandomImage(t, unsigned)
	signtest.PushRandomImage(t, foreign)
	other.Sign(t, foreign)

	code, out, stderr := run(t, "", "verify", "image", signed, "--trust-policy", trust)
	if code != 0 || !strings.Contains(out, "VERIFIED") || !strings.Contains(out, signedDigest.String()) || !strings.Contains(out, ca.Subject()) {
		t.Errorf("signed: exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = run(t, "", "verify", "image", signed, unsigned, foreign, "--trust-policy", trust, "-f", "json")
	var vs []scan.Verdict
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatal(err)
	}
	if code != 1 || len(vs) != 3 || !vs[0].Verified || vs[1].Verified || vs[2].Verified {
		t.Fatalf("exit %d, verdicts %+v", code, vs)
	}
	for _, v := range vs[1:] {
		if v.Reason == "" || v.Digest == "" {
			t.Errorf("%s failed without a reason or digest: %+v", v.Reference, v)
		}
	}
	if !strings.Contains(strings.ToLower(vs[1].Reason), "no") || vs[1].Reason == vs[2].Reason {
		t.Errorf("unsigned and untrusted reasons should differ: %q / %q", vs[1].Reason, vs[2].Reason)
	}
	if code, _, stderr := run(t, "", "verify", "image", "127.0.0.1:1/gone:1", "--trust-policy", trust); code != 2 {
		t.Errorf("unreachable registry: exit %d %s", code, stderr)
	}

	// Drift: a manifest pins the signed digest under its tag; the tag is
	// then re-pointed to an unsigned image.
	dir := t.TempDir()
	manifest := fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
  - name: web
    image: %s@%s
`, signed, signedDigest)
	if err := os.WriteFile(filepath.Join(dir, "pod.yaml"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	moved := signtest.PushRandomImage(t, signed)
	db := t.TempDir()
	if c, _, e := run(t, "", "db", "import", "--db-dir", db, osvZip(t)); c != 0 {
		t.Fatal(e)
	}
	code, out, stderr = run(t, "", "scan", "manifests", dir, "--images", "--trust-policy", trust, "--db-dir", db, "--cache-dir", t.TempDir(), "--no-base-check",
		"--checks", "IMG-010,IMG-011,IMG-012", "-f", "json")
	rep := decodeReport(t, out)
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.CheckID)
		if f.CheckID == "IMG-011" && (!strings.Contains(f.Message, moved.String()) || !strings.Contains(f.Message, signedDigest.String())) {
			t.Errorf("IMG-011 message: %s", f.Message)
		}
	}
	slices.Sort(got)
	if code != 1 || !slices.Equal(got, []string{"IMG-011", "IMG-012"}) {
		t.Errorf("drift: exit %d, findings %v, stderr %s, errors %+v", code, got, stderr, rep.Errors)
	}
}

// The bundled image example: a Debian 12 OCI layout and five example
// advisories, of which three affect it (reviewed in examples/images/osv:
// 0004 is fixed at the installed zlib, 0005 before the installed openssl).
func TestImagesExample(t *testing.T) {
	db := t.TempDir()
	if code, _, stderr := run(t, "", "db", "import", "--db-dir", db, "../../examples/images/osv"); code != 0 {
		t.Fatalf("db import: %s", stderr)
	}
	code, out, stderr := run(t, "", "scan", "image", "../../examples/images/app", "--db-dir", db, "--no-cache", "-f", "json", "--as-of", "2026-11-26")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []string
	for _, f := range decodeReport(t, out).Findings {
		got = append(got, f.CheckID+" "+advisory(f.Field)+" "+f.Status)
	}
	want := []string{"IMG-001 EXAMPLE-DSA-0001 fail", "IMG-002 EXAMPLE-DSA-0002 fail", "IMG-005 EXAMPLE-DLA-0003 warn"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
}

// The committed layout is what the generator writes.
func TestImagesExampleIsGenerated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "app")
	cmd := exec.Command("go", "run", "./examples/images/gen", dir)
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run ./examples/images/gen: %v\n%s", err, out)
	}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		want, _ := os.ReadFile(p)
		have, err := os.ReadFile(filepath.Join("../../examples/images/app", rel))
		if err != nil || string(have) != string(want) {
			t.Errorf("examples/images/app/%s differs from the generator's output; run: go run ./examples/images/gen examples/images/app", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A base image recorded in the image's labels was rebuilt under its tag:
// IMG-020. The same image scanned with a Dockerfile naming the base, and
// no labels, is judged by layers alone.
func TestBaseImageHasUpdates(t *testing.T) {
	host := imagetest.Registry(t)
	osRelease := imagetest.File{Name: "etc/os-release", Content: []byte("ID=debian\nVERSION_ID=\"12\"\n")}
	baseV1 := imagetest.Image(t, "amd64", nil, imagetest.Layer(t, osRelease, imagetest.File{Name: "etc/v", Content: []byte("1")}))
	base := host + "/library/debian:12"
	v1d := imagetest.Push(t, base, baseV1)
	l1, err := baseV1.Layers()
	if err != nil {
		t.Fatal(err)
	}
	app := imagetest.Image(t, "amd64", map[string]string{
		"org.opencontainers.image.base.name":   base,
		"org.opencontainers.image.base.digest": v1d.String(),
	}, append(l1, imagetest.Layer(t, imagetest.File{Name: "srv/app", Content: []byte("app")}))...)
	appRef := host + "/shop/app:3"
	imagetest.Push(t, appRef, app)
	db := t.TempDir()
	if c, _, e := run(t, "", "db", "import", "--db-dir", db, osvZip(t)); c != 0 {
		t.Fatal(e)
	}
	scanArgs := []string{"scan", "image", appRef, "--db-dir", db, "--no-cache", "--checks", "IMG-020", "-f", "json"}

	code, out, stderr := run(t, "", scanArgs...)
	if rep := decodeReport(t, out); code != 0 || len(rep.Findings) != 0 {
		t.Fatalf("fresh base: exit %d, findings %+v, stderr %s", code, rep.Findings, stderr)
	}
	v2d := imagetest.Push(t, base, imagetest.Image(t, "amd64", nil, imagetest.Layer(t, osRelease, imagetest.File{Name: "etc/v", Content: []byte("2")})))
	code, out, stderr = run(t, "", scanArgs...)
	rep := decodeReport(t, out)
	if code != 0 || len(rep.Findings) != 1 || rep.Findings[0].CheckID != "IMG-020" ||
		!strings.Contains(rep.Findings[0].Message, v2d.String()) || strings.Contains(rep.Findings[0].Message, "could not confirm") {
		t.Fatalf("rebuilt base: exit %d (medium does not block), findings %+v, stderr %s", code, rep.Findings, stderr)
	}

	// No labels: the Dockerfile's final FROM names the base.
	bare := imagetest.Image(t, "amd64", nil, append(l1, imagetest.Layer(t, imagetest.File{Name: "srv/app", Content: []byte("app")}))...)
	bareRef := host + "/shop/bare:3"
	imagetest.Push(t, bareRef, bare)
	df := filepath.Join(t.TempDir(), "Dockerfile")
	if err := os.WriteFile(df, []byte("ARG BASE="+base+"\nFROM golang:1.26 AS build\nFROM ${BASE}\nCOPY --from=build /app /srv/app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = run(t, "", "scan", "image", bareRef, "--db-dir", db, "--no-cache", "--checks", "IMG-020", "-f", "json", "--dockerfile", df)
	if rep := decodeReport(t, out); code != 0 || len(rep.Findings) != 1 || !strings.Contains(rep.Findings[0].Message, base) {
		t.Fatalf("Dockerfile base: exit %d, findings %+v, stderr %s", code, rep.Findings, stderr)
	}
	// Without either, IMG-020 is not assessed and the run says so.
	_, out, _ = run(t, "", "scan", "image", bareRef, "--db-dir", db, "--no-cache", "--checks", "IMG-020", "-f", "json")
	if rep := decodeReport(t, out); len(rep.Findings) != 0 || !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, "IMG-020 not assessed") }) {
		t.Errorf("no base named: findings %+v, warnings %q", rep.Findings, rep.Warnings)
	}
}

// Image findings have no file; their SARIF must still be valid.
func TestImageSARIFIsValid(t *testing.T) {
	db := t.TempDir()
	if code, _, stderr := run(t, "", "db", "import", "--db-dir", db, "../../examples/images/osv"); code != 0 {
		t.Fatalf("db import: %s", stderr)
	}
	_, out, stderr := run(t, "", "scan", "image", "../../examples/images/app", "--db-dir", db, "--no-cache", "-f", "sarif")
	if !strings.Contains(out, "EXAMPLE-DSA-0001") || !strings.Contains(out, `"advisories"`) {
		t.Fatalf("SARIF lacks the findings or their advisories: %s %s", out, stderr)
	}
	sariftool.Validate(t, "image-example", []byte(out))
}

// An Ubuntu image is never matched against Debian's advisories (other
// versions, other fixes): without Ubuntu data the verdict is incomplete.
func TestUbuntuImageWithoutUbuntuData(t *testing.T) {
	host := imagetest.Registry(t)
	ref := host + "/base/ubuntu:22.04"
	imagetest.Push(t, ref, imagetest.Image(t, "amd64", nil, imagetest.Layer(t,
		imagetest.File{Name: "etc/os-release", Content: []byte("ID=ubuntu\nVERSION_ID=\"22.04\"\n")},
		imagetest.File{Name: "var/lib/dpkg/status", Content: []byte(debianStatus)})))
	db := t.TempDir()
	if c, _, e := run(t, "", "db", "import", "--db-dir", db, osvZip(t)); c != 0 {
		t.Fatal(e)
	}
	code, out, _ := run(t, "", "scan", "image", ref, "--db-dir", db, "--no-cache", "--no-base-check", "-f", "json")
	rep := decodeReport(t, out)
	if code != 2 || len(rep.Findings) != 0 || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Message, "no data for Ubuntu") {
		t.Errorf("exit %d, findings %d, errors %+v", code, len(rep.Findings), rep.Errors)
	}
}

// An image whose OS packages are in an rpm database (Azure Linux, Red Hat
// family) is not "free of vulnerabilities": its packages were not read.
func TestRPMImageIsNotAssessed(t *testing.T) {
	host := imagetest.Registry(t)
	ref := host + "/base/azurelinux:3.0"
	imagetest.Push(t, ref, imagetest.Image(t, "amd64", nil, imagetest.Layer(t,
		imagetest.File{Name: "etc/os-release", Content: []byte("ID=azurelinux\nVERSION_ID=\"3.0\"\n")},
		imagetest.File{Name: "var/lib/rpm/rpmdb.sqlite", Content: []byte("SQLite format 3\x00")})))
	db := t.TempDir()
	if c, _, e := run(t, "", "db", "import", "--db-dir", db, osvZip(t)); c != 0 {
		t.Fatal(e)
	}
	code, out, _ := run(t, "", "scan", "image", ref, "--db-dir", db, "--no-cache", "--no-base-check", "-f", "json")
	rep := decodeReport(t, out)
	if code != 2 || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Message, "var/lib/rpm/rpmdb.sqlite") {
		t.Errorf("exit %d, errors %+v", code, rep.Errors)
	}
}
