package image_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/bulwark-sec/bulwark/internal/image"
	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
)

const dpkgBase = `Package: libc6
Status: install ok installed
Priority: optional
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u4
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u2

Package: tzdata
Status: deinstall ok config-files
Architecture: all
Version: 2024a-0+deb12u1

Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1
`

const dpkgUpgraded = `Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u4

Package: libcurl4
Status: install ok installed
Architecture: amd64
Source: curl
Version: 7.88.1-10+deb12u5

Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl (3.0.15-1~deb12u1)
Version: 3.0.15-1~deb12u1

Package: zlib1g
Status: install ok installed
Architecture: amd64
Source: zlib
Version: 1:1.2.13.dfsg-1
`

const distrolessBaseFiles = "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n"

const apkDB = `C:Q1abc=
P:busybox
V:1.36.1-r29
A:x86_64
o:busybox
T:Size optimized toolbox

C:Q1def=
P:libcrypto3
V:3.3.2-r0
A:x86_64
o:openssl

P:musl
V:1.2.5-r0
A:x86_64
`

// DebianFixture is the three-layer Debian-like test image.
type DebianFixture struct {
	Image  v1.Image
	Layers []v1.Layer
	Bin    GoBinary
}

func debianImage(t testing.TB) DebianFixture {
	t.Helper()
	bin := buildGoBinary(t)
	l0 := imagetest.Layer(t,
		imagetest.File{Name: "etc/", Dir: true},
		imagetest.File{Name: "etc/os-release", Content: []byte("ID=debian\nVERSION_ID=\"12\"\n")},
		imagetest.File{Name: "var/lib/dpkg/status", Content: []byte(dpkgBase)},
		imagetest.File{Name: "bin/sh", Content: bytes.Repeat([]byte("#!"), 100), Mode: 0o755}, // executable, not a binary
	)
	l1 := imagetest.Layer(t,
		imagetest.File{Name: "./var/lib/dpkg/status", Content: []byte(dpkgUpgraded)},
		imagetest.File{Name: "var/lib/dpkg/status.d/base-files", Content: []byte(distrolessBaseFiles)},
		imagetest.File{Name: "var/lib/dpkg/status.d/base-files.md5sums", Content: []byte("abc  /etc/issue\n")},
		imagetest.File{Name: "usr/bin/app", Content: bin.Data, Mode: 0o755},
		imagetest.File{Name: "usr/local/bin/tool", Content: bin.Data, Mode: 0o755},
		imagetest.File{Name: "opt/data/bin", Content: bin.Data, Mode: 0o755},
		imagetest.File{Name: "usr/share/noexec", Content: bin.Data, Mode: 0o644}, // not executable: ignored
	)
	l2 := imagetest.Layer(t,
		imagetest.File{Name: "usr/local/bin/.wh.tool"},
		imagetest.File{Name: "opt/data/.wh..wh..opq"},
		imagetest.File{Name: "opt/data/readme", Content: []byte("hi")},
	)
	img, err := mutate.AppendLayers(mutate.MediaType(mustConfig(t), "application/vnd.oci.image.manifest.v1+json"), l0, l1, l2)
	if err != nil {
		t.Fatal(err)
	}
	return DebianFixture{Image: img, Layers: []v1.Layer{l0, l1, l2}, Bin: bin}
}

func mustConfig(t testing.TB) v1.Image {
	img, err := mutate.ConfigFile(empty.Image, &v1.ConfigFile{OS: "linux", Architecture: "amd64", RootFS: v1.RootFS{Type: "layers"}})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func alpineImage(t testing.TB, arch string) v1.Image {
	t.Helper()
	l0 := imagetest.Layer(t,
		imagetest.File{Name: "etc/os-release", Content: []byte("ID=alpine\nVERSION_ID=3.20.3\n")},
		imagetest.File{Name: "lib/apk/db/installed", Content: []byte(apkDB)},
	)
	cfg, err := mutate.ConfigFile(empty.Image, &v1.ConfigFile{OS: "linux", Architecture: arch, RootFS: v1.RootFS{Type: "layers"}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(cfg, l0)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func describe(ps []image.Package, layers []v1.Layer, t testing.TB) []string {
	idx := map[v1.Hash]int{}
	for i, l := range layers {
		idx[digestOf(t, l)] = i
	}
	var out []string
	for _, p := range ps {
		li, ok := idx[p.LayerDigest]
		if !ok || li != p.LayerIndex {
			t.Errorf("package %s: layer digest %s / index %d not consistent", p.Name, p.LayerDigest, p.LayerIndex)
		}
		out = append(out, fmt.Sprintf("%s %s %s src=%s/%s %s L%d", p.Type, p.Name, p.Version, p.SourceName, p.SourceVersion, p.Path, li))
	}
	return out
}

func expectedDebian(bin GoBinary) []string {
	return []string{
		"deb base-files 12.4+deb12u5 src=base-files/12.4+deb12u5 var/lib/dpkg/status.d/base-files L1",
		"deb libc6 2.36-9+deb12u4 src=glibc/2.36-9+deb12u4 var/lib/dpkg/status L0",
		"deb libcurl4 7.88.1-10+deb12u5 src=curl/7.88.1-10+deb12u5 var/lib/dpkg/status L1",
		"deb libssl3 3.0.15-1~deb12u1 src=openssl/3.0.15-1~deb12u1 var/lib/dpkg/status L1",
		"deb zlib1g 1:1.2.13.dfsg-1 src=zlib/1:1.2.13.dfsg-1 var/lib/dpkg/status L0",
		"go golang.org/x/text " + bin.TextVer + " src=/ usr/bin/app L1",
		"go stdlib " + bin.GoVersion + " src=/ usr/bin/app L1",
	}
}

func assertLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("packages differ\ngot:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestRemoteInventoryDebian(t *testing.T) {
	fx := debianImage(t)
	host := imagetest.Registry(t)
	tag, err := name.ParseReference(host + "/bulwark/debian:1.0")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, fx.Image); err != nil {
		t.Fatal(err)
	}
	want, _ := fx.Image.Digest()

	ctx := context.Background()
	for _, ref := range []string{host + "/bulwark/debian:1.0", host + "/bulwark/debian@" + want.String()} {
		im, err := image.Open(ctx, ref, image.OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if im.Kind != image.KindRemote || im.Digest != want || im.IndexDigest != nil {
			t.Fatalf("%s: kind %s digest %s index %v, want digest %s", ref, im.Kind, im.Digest, im.IndexDigest, want)
		}
		pkgs, err := image.Inventory(ctx, im.Image, image.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		assertLines(t, describe(pkgs, fx.Layers, t), expectedDebian(fx.Bin))
	}
}

func TestRemoteIndexPlatform(t *testing.T) {
	host := imagetest.Registry(t)
	amd, arm := alpineImage(t, "amd64"), alpineImage(t, "arm64")
	// The arm64 variant gets an extra package so the choice is visible.
	arm, err := mutate.AppendLayers(arm, imagetest.Layer(t, imagetest.File{Name: "lib/apk/db/installed", Content: []byte(apkDB + "\nP:armonly\nV:1.0-r0\n")}))
	if err != nil {
		t.Fatal(err)
	}
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: arm, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}},
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
	)
	ref, _ := name.ParseReference(host + "/bulwark/alpine:3.20")
	if err := remote.WriteIndex(ref, idx); err != nil {
		t.Fatal(err)
	}
	idxDigest, _ := idx.Digest()
	ctx := context.Background()
	for _, tc := range []struct {
		plat    *v1.Platform
		img     v1.Image
		armOnly bool
	}{{nil, amd, false}, {&v1.Platform{OS: "linux", Architecture: "arm64"}, arm, true}} {
		im, err := image.Open(ctx, ref.String(), image.OpenOptions{Platform: tc.plat})
		if err != nil {
			t.Fatal(err)
		}
		wantD, _ := tc.img.Digest()
		if im.Digest != wantD || im.IndexDigest == nil || *im.IndexDigest != idxDigest {
			t.Fatalf("platform %v: digest %s index %v", tc.plat, im.Digest, im.IndexDigest)
		}
		pkgs, err := image.Inventory(ctx, im.Image, image.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range pkgs {
			got = append(got, fmt.Sprintf("%s %s %s %s L%d", p.Type, p.Name, p.Version, p.SourceName, p.LayerIndex))
		}
		want := []string{"apk busybox 1.36.1-r29 busybox L0", "apk libcrypto3 3.3.2-r0 openssl L0", "apk musl 1.2.5-r0 musl L0"}
		if tc.armOnly {
			want = []string{"apk armonly 1.0-r0 armonly L1", "apk busybox 1.36.1-r29 busybox L0", "apk libcrypto3 3.3.2-r0 openssl L0", "apk musl 1.2.5-r0 musl L0"}
		}
		assertLines(t, got, want)
	}
	if _, err := image.Open(ctx, ref.String(), image.OpenOptions{Platform: &v1.Platform{OS: "linux", Architecture: "s390x"}}); err == nil || !strings.Contains(err.Error(), "no manifest for platform") {
		t.Fatalf("want platform error, got %v", err)
	}
}

func TestLayoutAndTarballs(t *testing.T) {
	fx := debianImage(t)
	want, _ := fx.Image.Digest()
	dir := t.TempDir()
	lp, err := layout.Write(filepath.Join(dir, "layout"), empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(fx.Image); err != nil {
		t.Fatal(err)
	}
	docker := filepath.Join(dir, "docker.tar")
	tag, _ := name.NewTag("example.com/bulwark/debian:1.0")
	if err := tarball.WriteToFile(docker, tag, fx.Image); err != nil {
		t.Fatal(err)
	}
	ociTar := filepath.Join(dir, "oci.tar")
	tarDir(t, filepath.Join(dir, "layout"), ociTar)

	for _, tc := range []struct {
		path string
		kind image.Kind
	}{{filepath.Join(dir, "layout"), image.KindLayout}, {docker, image.KindTar}, {ociTar, image.KindTar}} {
		im, err := image.Open(context.Background(), tc.path, image.OpenOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if im.Kind != tc.kind {
			t.Fatalf("%s: kind %s", tc.path, im.Kind)
		}
		if tc.path != docker && im.Digest != want { // docker archives re-encode the manifest
			t.Fatalf("%s: digest %s want %s", tc.path, im.Digest, want)
		}
		pkgs, err := image.Inventory(context.Background(), im.Image, image.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range pkgs {
			got = append(got, fmt.Sprintf("%s %s %s L%d", p.Type, p.Name, p.Version, p.LayerIndex))
		}
		var exp []string
		for _, l := range expectedDebian(fx.Bin) {
			f := strings.Fields(l)
			exp = append(exp, strings.Join([]string{f[0], f[1], f[2], f[len(f)-1]}, " "))
		}
		assertLines(t, got, exp)
		im.Close()
	}
}

func tarDir(t testing.TB, src, dst string) {
	t.Helper()
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	err = filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestTruncatedLayer(t *testing.T) {
	full := imagetest.TarBytes(t, imagetest.File{Name: "var/lib/dpkg/status", Content: []byte(dpkgBase)}, imagetest.File{Name: "x", Content: bytes.Repeat([]byte("a"), 4096)})
	cut := full[:len(full)-2048-1000]
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(cut)), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, l)
	if err != nil {
		t.Fatal(err)
	}
	_, err = image.Inventory(context.Background(), img, image.Limits{})
	var le *image.LayerError
	if !errors.As(err, &le) || le.Index != 0 || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("want truncated layer error, got %v", err)
	}
}

func TestTotalBytesLimit(t *testing.T) {
	img, err := random.Image(64<<10, 3)
	if err != nil {
		t.Fatal(err)
	}
	_, err = image.Inventory(context.Background(), img, image.Limits{MaxTotalBytes: 100 << 10})
	if !errors.Is(err, image.ErrLimit) {
		t.Fatalf("want ErrLimit, got %v", err)
	}
	if _, err := image.Inventory(context.Background(), img, image.Limits{}); err != nil {
		t.Fatal(err)
	}
}

func TestGoVersion(t *testing.T) {
	for in, want := range map[string]string{"go1.26.8": "1.26.8", "go1.22rc1 X:boringcrypto": "1.22rc1", "devel go1.27-abc": "", "go1.21": "1.21"} {
		if got := image.GoVersion(in); got != want {
			t.Errorf("GoVersion(%q) = %q want %q", in, got, want)
		}
	}
}

func TestBinarySizeLimitAndOSReleaseSymlink(t *testing.T) {
	bin := buildGoBinary(t)
	l0 := imagetest.Layer(t,
		imagetest.File{Name: "usr/lib/os-release", Content: []byte("ID='debian'\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n")},
		imagetest.File{Name: "usr/bin/app", Content: bin.Data, Mode: 0o755},
	)
	img, err := mutate.AppendLayers(mustConfig(t), l0)
	if err != nil {
		t.Fatal(err)
	}
	res, err := image.Scan(context.Background(), img, image.Limits{MaxBinarySize: int64(len(bin.Data)) - 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Packages) != 0 {
		t.Fatalf("binary above MaxBinarySize was read: %v", res.Packages)
	}
	if res.OS == nil || res.OS.ID != "debian" || res.OS.VersionID != "12" || res.OS.Name != "Debian GNU/Linux 12 (bookworm)" {
		t.Fatalf("os-release %+v", res.OS)
	}
	res, err = image.Scan(context.Background(), img, image.Limits{})
	if err != nil || len(res.Packages) != 2 {
		t.Fatalf("want stdlib + x/text, got %v %v", res.Packages, err)
	}
}

// An rpm database is not read, and the result says so unless a later
// layer removed it.
func TestUnreadPackageDatabases(t *testing.T) {
	rpm := imagetest.Layer(t, imagetest.File{Name: "var/lib/rpm/rpmdb.sqlite", Content: []byte("SQLite format 3\x00")}, imagetest.File{Name: "usr/lib/sysimage/rpm/Packages", Content: []byte("x")})
	res, err := image.Scan(context.Background(), imagetest.Image(t, "amd64", nil, rpm), image.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(res.Unread) != "[usr/lib/sysimage/rpm/Packages var/lib/rpm/rpmdb.sqlite]" {
		t.Errorf("unread %v", res.Unread)
	}
	gone := imagetest.Layer(t, imagetest.File{Name: "var/lib/rpm/.wh.rpmdb.sqlite"}, imagetest.File{Name: "usr/lib/sysimage/.wh.rpm"})
	res, err = image.Scan(context.Background(), imagetest.Image(t, "amd64", nil, rpm, gone), image.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Unread) != 0 {
		t.Errorf("removed databases still reported: %v", res.Unread)
	}
}
