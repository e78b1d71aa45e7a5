package image_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/bulwark-sec/bulwark/internal/image"
	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
)

func layerOf(t testing.TB, tarData []byte) v1.Layer {
	t.Helper()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(tarData)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func imageOf(t testing.TB, layers ...v1.Layer) v1.Image {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestWhiteoutsNearLinear: tens of thousands of files whited out one by
// one, and whole directories hidden by opaque markers, cost time in
// proportion to the entries, not their product (which hung the old code).
func TestWhiteoutsNearLinear(t *testing.T) {
	const n = 40000
	var lower, upper []imagetest.File
	lower = append(lower, imagetest.File{Name: "var/lib/dpkg/status", Content: []byte(dpkgBase)})
	for i := range n {
		lower = append(lower, imagetest.File{Name: fmt.Sprintf("d%d/f%d", i%200, i)})
		upper = append(upper, imagetest.File{Name: fmt.Sprintf("d%d/.wh.f%d", i%200, i)})
	}
	upper = append(upper, imagetest.File{Name: "d0/.wh..wh..opq"})
	img := imageOf(t, layerOf(t, imagetest.TarBytes(t, lower...)), layerOf(t, imagetest.TarBytes(t, upper...)))
	start := cpuTime(t)
	pkgs, err := image.Inventory(context.Background(), img, image.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	// CPU, not wall time: a loaded machine stretches the wall clock, not
	// the work. The old code took about a minute.
	if d := cpuTime(t) - start; d > cpuScale*8*time.Second {
		t.Fatalf("%d whiteouts took %v of CPU", n, d)
	}
	if len(pkgs) != 3 {
		t.Fatalf("want the 3 installed dpkg packages, got %d", len(pkgs))
	}
}

// TestHidingSemantics: whiteouts, opaque directories and a file or link
// replacing a directory hide what lower layers had there, not what the
// same layer adds.
func TestHidingSemantics(t *testing.T) {
	status := imagetest.File{Name: "var/lib/dpkg/status", Content: []byte(dpkgBase)}
	apk := imagetest.File{Name: "lib/apk/db/installed", Content: []byte("P:musl\nV:1.2.5-r0\no:musl\n\n")}
	base := layerOf(t, imagetest.TarBytes(t, status, apk))
	for _, tc := range []struct {
		name  string
		upper []byte
		want  int
	}{
		{"whiteout of the file", imagetest.TarBytes(t, imagetest.File{Name: "var/lib/dpkg/.wh.status"}), 1},
		{"whiteout of a parent", imagetest.TarBytes(t, imagetest.File{Name: "var/.wh.lib"}), 1},
		{"opaque parent", imagetest.TarBytes(t, imagetest.File{Name: "var/lib/.wh..wh..opq"}), 1},
		{"opaque parent, same layer re-adds", imagetest.TarBytes(t, imagetest.File{Name: "var/lib/.wh..wh..opq"}, status), 4},
		{"root opaque", imagetest.TarBytes(t, imagetest.File{Name: ".wh..wh..opq"}), 0},
		{"file replaces directory", imagetest.TarBytes(t, imagetest.File{Name: "lib", Content: []byte("x")}), 3},
		{"directory over directory", imagetest.TarBytes(t, imagetest.File{Name: "var/lib", Dir: true}), 4},
	} {
		pkgs, err := image.Inventory(context.Background(), imageOf(t, base, layerOf(t, tc.upper)), image.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(pkgs) != tc.want {
			t.Errorf("%s: %d packages, want %d: %v", tc.name, len(pkgs), tc.want, pkgs)
		}
	}
}

// TestImageLimits: every bound is an ErrLimit naming the limit.
func TestImageLimits(t *testing.T) {
	small := layerOf(t, imagetest.TarBytes(t, imagetest.File{Name: "a", Content: []byte("a")}, imagetest.File{Name: "b", Content: []byte("b")}))
	long := layerOf(t, imagetest.TarBytes(t, imagetest.File{Name: strings.Repeat("d/", 3000) + "f"}))
	huge := layerOf(t, hugeDeclared(t, "big", 1<<40))
	sparse := layerOf(t, append(imagetest.SparseMember("usr/bin/app", 1<<30, []byte("\x7fELF")), make([]byte, 1024)...))
	for _, tc := range []struct {
		name     string
		img      v1.Image
		lim      image.Limits
		msg      string
		sentinel bool
	}{
		{"layers", imageOf(t, small, small, small), image.Limits{MaxLayers: 2}, "3 layers, more than the 2 layers allowed", true},
		{"files", imageOf(t, small, small), image.Limits{MaxFiles: 3}, "more than 3 files per image", true},
		{"path", imageOf(t, long), image.Limits{}, "longer than the 4096 allowed", true},
		{"declared size", imageOf(t, huge), image.Limits{}, "declares 1099511627776 bytes, more than the 8589934592 allowed per file", true},
		{"declared total", imageOf(t, huge), image.Limits{MaxFileSize: 2 << 40}, "more than the 17179869184 uncompressed bytes per image", true},
		{"sparse", imageOf(t, sparse), image.Limits{}, "usr/bin/app is a sparse file", false},
	} {
		_, err := image.Scan(context.Background(), tc.img, tc.lim)
		if err == nil || !strings.Contains(err.Error(), tc.msg) || errors.Is(err, image.ErrLimit) != tc.sentinel {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.msg)
		}
	}
}

// hugeDeclared is a tar whose only member declares size bytes but holds
// none: a truncated or hostile layer.
func hugeDeclared(t testing.TB, name string, size int64) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// endless is a layer whose tar never ends: a file of 1 TiB of zeros,
// produced as it is read.
type endless struct{}

func (endless) Digest() (v1.Hash, error)            { return v1.NewHash("sha256:" + strings.Repeat("a", 64)) }
func (endless) DiffID() (v1.Hash, error)            { return v1.NewHash("sha256:" + strings.Repeat("b", 64)) }
func (endless) Size() (int64, error)                { return 1 << 40, nil }
func (endless) MediaType() (types.MediaType, error) { return types.OCIUncompressedLayer, nil }
func (endless) Compressed() (io.ReadCloser, error)  { return endless{}.Uncompressed() }
func (endless) Uncompressed() (io.ReadCloser, error) {
	var h bytes.Buffer
	tw := tar.NewWriter(&h)
	_ = tw.WriteHeader(&tar.Header{Name: "zeros", Mode: 0o644, Size: 1 << 40, Typeflag: tar.TypeReg, Format: tar.FormatPAX})
	return io.NopCloser(io.MultiReader(&h, zeros{})), nil
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestScanHonoursDeadline: the context ends a layer read midway, not
// after the layer (the old code checked it between tar entries only).
func TestScanHonoursDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := image.Scan(ctx, imageOf(t, endless{}), image.Limits{MaxFileSize: 2 << 40, MaxTotalBytes: 2 << 40})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the deadline, got %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("stopped after %v", d)
	}
}

// TestArchiveReadInPlace: an OCI-layout tarball is read without any
// temporary file, and a sparse member declaring a gigabyte is refused
// before anything is written (the old code extracted it).
func TestArchiveReadInPlace(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := t.TempDir()
	fx := debianImage(t)
	lp, err := layout.Write(filepath.Join(dir, "layout"), empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(fx.Image); err != nil {
		t.Fatal(err)
	}
	ociTar := filepath.Join(dir, "oci.tar")
	tarDir(t, filepath.Join(dir, "layout"), ociTar)
	im, err := image.Open(context.Background(), ociTar, image.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertEmpty(t, tmp)
	if _, err := image.Scan(context.Background(), im.Image, image.Limits{}); err != nil {
		t.Fatal(err)
	}
	im.Close()

	var b bytes.Buffer
	b.Write(imagetest.TarBytes(t, imagetest.File{Name: "oci-layout", Content: []byte(`{"imageLayoutVersion":"1.0.0"}`)})[:1024])
	b.Write(imagetest.SparseMember("blobs/sha256/"+strings.Repeat("0", 64), 256<<20, []byte("x")))
	b.Write(make([]byte, 1024))
	sp := filepath.Join(dir, "sparse.tar")
	if err := os.WriteFile(sp, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = image.Open(context.Background(), sp, image.OpenOptions{})
	if err == nil || !strings.Contains(err.Error(), "sparse member") {
		t.Fatalf("want a sparse member error, got %v", err)
	}
	assertEmpty(t, tmp)
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) > 0 {
		t.Fatalf("%s holds %d entries (%s ...): temporary files left behind", dir, len(ents), ents[0].Name())
	}
}

// TestDockerArchiveManyLayers: a docker archive of thousands of layers is
// opened in one pass (the old reader re-read the archive per layer).
func TestDockerArchiveManyLayers(t *testing.T) {
	const n = 3000
	p := filepath.Join(t.TempDir(), "many.tar")
	writeDockerArchive(t, p, n)
	start := cpuTime(t)
	im, err := image.Open(context.Background(), p, image.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	if _, err := image.Scan(context.Background(), im.Image, image.Limits{MaxLayers: n}); err != nil {
		t.Fatal(err)
	}
	if d := cpuTime(t) - start; d > cpuScale*10*time.Second {
		t.Fatalf("%d layers took %v of CPU", n, d)
	}
	_, err = image.Scan(context.Background(), im.Image, image.Limits{})
	if !errors.Is(err, image.ErrLimit) || !strings.Contains(err.Error(), "more than the 1000 layers allowed") {
		t.Fatalf("want the layer limit, got %v", err)
	}
}

// writeDockerArchive writes a docker-save archive of n one-file layers
// (go-containerregistry's writer is itself quadratic in the layers).
func writeDockerArchive(t testing.TB, p string, n int) {
	t.Helper()
	var files []imagetest.File
	var diffIDs, paths []string
	for i := range n {
		l := imagetest.TarBytes(t, imagetest.File{Name: fmt.Sprintf("f%d", i), Content: []byte{byte(i)}})
		sum := sha256.Sum256(l)
		diffIDs = append(diffIDs, "sha256:"+hex.EncodeToString(sum[:]))
		paths = append(paths, fmt.Sprintf("%d/layer.tar", i))
		files = append(files, imagetest.File{Name: paths[i], Content: l})
	}
	cfg, _ := json.Marshal(map[string]any{"os": "linux", "architecture": "amd64", "rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs}})
	man, _ := json.Marshal([]map[string]any{{"Config": "config.json", "RepoTags": []string{"example.com/many:1"}, "Layers": paths}})
	files = append(files, imagetest.File{Name: "config.json", Content: cfg}, imagetest.File{Name: "manifest.json", Content: man})
	if err := os.WriteFile(p, imagetest.TarBytes(t, files...), 0o644); err != nil {
		t.Fatal(err)
	}
}

// cpuTime is the CPU this process has used, all threads together: the
// bound of a test about work done, which load on a shared machine does not
// stretch as it does the wall clock.
func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
