package adversarial

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
)

// Hostile images and vulnerability data: each is generated here, scanned
// by the binary under the harness's limits, and must end in exit 2 with
// the bound named, within 10 s and 20 times its size (plus the base) in
// memory, leaving nothing in the temporary directory.

// imageEnv points TMPDIR at an empty directory and prepares a
// vulnerability database holding Go data, so that an image without
// packages is judged (exit 0) and any exit 2 is the bound's.
func imageEnv(t *testing.T) (db, tmp string) {
	t.Helper()
	tmp = t.TempDir()
	t.Setenv("TMPDIR", tmp)
	osvDir := t.TempDir()
	WriteFile(t, osvDir, "GO-2099-0001.json", []byte(`{"id":"GO-2099-0001","modified":"2026-11-20T00:00:00Z","affected":[{"package":{"ecosystem":"Go","name":"example.com/none"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}`))
	db = t.TempDir()
	if r := Run(t, Limits{}, nil, "db", "import", "--db-dir", db, osvDir); r.Code != 0 {
		t.Fatalf("db import: %s", r)
	}
	return db, tmp
}

func scanImage(t *testing.T, db, path string) Result {
	t.Helper()
	ResetPeakRSS(t)
	return Run(t, Limits{}, nil, "scan", "image", path, "--db-dir", db, "--no-cache", "--no-base-check", "--max-db-age", "1000000h")
}

// expectBound is ExpectBoundError for scans, which report an image that
// is not assessed in the report (stdout), not on stderr.
func expectBound(t *testing.T, r Result, inputSize int64, msgs ...string) {
	t.Helper()
	t.Logf("input %d bytes", inputSize)
	ExpectBoundError(t, r, inputSize, 20)
	for _, m := range msgs {
		if !strings.Contains(r.Stdout+r.Stderr, m) {
			t.Errorf("the output lacks %q; %s\nstdout: %s", m, r, clip(r.Stdout))
		}
	}
}

func expectTmpEmpty(t *testing.T, tmp string) {
	t.Helper()
	ents, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 0 {
		t.Errorf("the temporary directory holds %d entries (%s ...) after the run", len(ents), ents[0].Name())
	}
}

type member struct {
	name string
	data []byte
}

func tarOf(t *testing.T, ms ...member) []byte {
	t.Helper()
	var files []imagetest.File
	for _, m := range ms {
		files = append(files, imagetest.File{Name: m.name, Content: m.data})
	}
	return imagetest.TarBytes(t, files...)
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w, _ := gzip.NewWriterLevel(&out, gzip.BestSpeed)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return out.Bytes()
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// dockerArchive writes a docker-save archive of layers (tar or gzip
// blobs) whose config lists diffIDs (the layers' own when nil).
func dockerArchive(t *testing.T, dir, name string, layers [][]byte) string {
	t.Helper()
	var ms []member
	var diffIDs, paths []string
	for i, l := range layers {
		diffIDs = append(diffIDs, sum(l))
		paths = append(paths, fmt.Sprintf("%d/layer.tar", i))
		ms = append(ms, member{paths[i], l})
	}
	cfg, _ := json.Marshal(map[string]any{"os": "linux", "architecture": "amd64", "rootfs": map[string]any{"type": "layers", "diff_ids": diffIDs}})
	man, _ := json.Marshal([]map[string]any{{"Config": "config.json", "RepoTags": []string{"example.com/hostile:1"}, "Layers": paths}})
	ms = append(ms, member{"config.json", cfg}, member{"manifest.json", man})
	return WriteFile(t, dir, name, tarOf(t, ms...))
}

// TestImageBenign is the control: a small image is judged, exit 0.
func TestImageBenign(t *testing.T) {
	db, tmp := imageEnv(t)
	p := dockerArchive(t, t.TempDir(), "ok.tar", [][]byte{tarOf(t, member{"etc/hello", []byte("hi")})})
	r := scanImage(t, db, p)
	if r.Code != 0 {
		t.Fatalf("exit %d, want 0; %s", r.Code, r)
	}
	ExpectRSS(t, r, size(t, p), 20)
	expectTmpEmpty(t, tmp)
}

// TestImageThousandsOfLayers: 3,000 layers (the old reader re-read the
// archive per layer, and recomputed the packages of every file per layer).
func TestImageThousandsOfLayers(t *testing.T) {
	db, tmp := imageEnv(t)
	layers := make([][]byte, 3000)
	for i := range layers {
		layers[i] = tarOf(t, member{"f" + strconv.Itoa(i), []byte{byte(i)}})
	}
	p := dockerArchive(t, t.TempDir(), "layers.tar", layers)
	r := scanImage(t, db, p)
	expectBound(t, r, size(t, p), "3000 layers, more than the 1000 layers allowed per image", "layers.tar")
	expectTmpEmpty(t, tmp)
}

// TestImageManyWhiteouts: 100,000 files whited out one by one, and their
// directories hidden by opaque markers (quadratic in the old code). Below
// every bound: judged, exit 0.
func TestImageManyWhiteouts(t *testing.T) {
	db, tmp := imageEnv(t)
	const n = 100_000
	var lower, upper []member
	for i := range n {
		d := "d" + strconv.Itoa(i%500)
		lower = append(lower, member{d + "/f" + strconv.Itoa(i), nil})
		upper = append(upper, member{d + "/.wh.f" + strconv.Itoa(i), nil})
		if i < 10 {
			upper = append(upper, member{d + "/.wh..wh..opq", nil})
		}
	}
	p := dockerArchive(t, t.TempDir(), "whiteouts.tar", [][]byte{gz(t, tarOf(t, lower...)), gz(t, tarOf(t, upper...))})
	r := scanImage(t, db, p)
	if r.Code != 0 {
		t.Fatalf("exit %d, want 0; %s", r.Code, r)
	}
	ExpectNoPanic(t, r)
	t.Logf("input %d bytes", size(t, p))
	ExpectRSS(t, r, size(t, p), 20)
	expectTmpEmpty(t, tmp)

	// --image-timeout holds in the middle of the work (the old code
	// ignored it there and ran on until killed).
	ResetPeakRSS(t)
	r = Run(t, Limits{Wall: 5 * time.Second}, nil, "scan", "image", p, "--db-dir", db, "--no-cache", "--no-base-check", "--max-db-age", "1000000h", "--image-timeout", "200ms")
	expectBound(t, r, size(t, p), "context deadline exceeded")
	if r.Wall > 3*time.Second {
		t.Errorf("--image-timeout 200ms took %v", r.Wall)
	}
}

// TestImageSparse: sparse members declaring gigabytes, in an OCI layout
// tarball (which the old code extracted to the temporary directory) and
// in a layer.
func TestImageSparse(t *testing.T) {
	db, tmp := imageEnv(t)
	dir := t.TempDir()
	var b bytes.Buffer
	b.Write(tarOf(t, member{"oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)}, member{"index.json", []byte(`{"schemaVersion":2,"manifests":[]}`)})[:4*512])
	b.Write(imagetest.SparseMember("blobs/sha256/"+strings.Repeat("0", 64), 4<<30, []byte("x")))
	b.Write(make([]byte, 1024))
	oci := WriteFile(t, dir, "sparse-oci.tar", b.Bytes())
	r := scanImage(t, db, oci)
	expectBound(t, r, size(t, oci), "sparse-oci.tar", "is a sparse member")
	expectTmpEmpty(t, tmp)

	layer := append(imagetest.SparseMember("usr/bin/app", 4<<30, []byte("\x7fELF")), make([]byte, 1024)...)
	p := dockerArchive(t, dir, "sparse-layer.tar", [][]byte{layer})
	r = scanImage(t, db, p)
	expectBound(t, r, size(t, p), "sparse-layer.tar", "usr/bin/app is a sparse file")
	expectTmpEmpty(t, tmp)
}

// TestImageHugeDeclaredSizes: a tar header declaring a terabyte, in a
// layer and as an archive member.
func TestImageHugeDeclaredSizes(t *testing.T) {
	db, tmp := imageEnv(t)
	dir := t.TempDir()
	var hdr bytes.Buffer
	tw := tar.NewWriter(&hdr)
	if err := tw.WriteHeader(&tar.Header{Name: "big", Mode: 0o644, Size: 1 << 40, Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		t.Fatal(err)
	}
	tw.Flush()
	p := dockerArchive(t, dir, "huge-layer.tar", [][]byte{hdr.Bytes()})
	r := scanImage(t, db, p)
	expectBound(t, r, size(t, p), "huge-layer.tar", "big declares 1099511627776 bytes, more than the 8589934592 allowed per file")
	expectTmpEmpty(t, tmp)

	arch := WriteFile(t, dir, "huge-member.tar", append(tarOf(t, member{"manifest.json", []byte("[]")})[:1024], hdr.Bytes()...))
	r = scanImage(t, db, arch)
	expectBound(t, r, size(t, arch), "huge-member.tar", "truncated archive: big declares 1099511627776 bytes")
	expectTmpEmpty(t, tmp)
}

// TestImageTruncated: an archive cut short, and a gzip layer cut short.
func TestImageTruncated(t *testing.T) {
	db, tmp := imageEnv(t)
	dir := t.TempDir()
	// Incompressible, so that cutting the archive cuts the layer.
	payload := make([]byte, 64<<10)
	x := uint32(1)
	for i := range payload {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		payload[i] = byte(x)
	}
	full := dockerArchive(t, dir, "full.tar", [][]byte{gz(t, tarOf(t, member{"data", payload}))})
	data, _ := os.ReadFile(full)
	cut := WriteFile(t, dir, "cut.tar", data[:len(data)/3])
	r := scanImage(t, db, cut)
	expectBound(t, r, size(t, cut), "cut.tar", "truncated")
	expectTmpEmpty(t, tmp)

	l := gz(t, tarOf(t, member{"data", payload}))
	p := dockerArchive(t, dir, "cut-layer.tar", [][]byte{l[:len(l)/2]})
	r = scanImage(t, db, p)
	expectBound(t, r, size(t, p), "cut-layer.tar", "layer 0")
	expectTmpEmpty(t, tmp)
}

// zipBomb writes a zip of n members whose contents are variants
// (distinct advisory ids) of doc, each deflated once and stored raw many
// times, so a 15 MB bomb is quick to write.
func zipBomb(t *testing.T, path string, n, variants int, doc func(id string) []byte) {
	t.Helper()
	type blob struct {
		raw        []byte
		crc, usize uint32
		compressed uint64
	}
	var blobs []blob
	for v := range variants {
		d := doc(fmt.Sprintf("GO-2099-%04d", v))
		var c bytes.Buffer
		fw, _ := flate.NewWriter(&c, flate.BestCompression)
		fw.Write(d)
		fw.Close()
		blobs = append(blobs, blob{raw: c.Bytes(), crc: crc32.ChecksumIEEE(d), usize: uint32(len(d)), compressed: uint64(c.Len())})
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for i := range n {
		b := blobs[i%len(blobs)]
		w, err := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("m%06d.json", i), Method: zip.Deflate, CRC32: b.crc,
			CompressedSize64: b.compressed, UncompressedSize64: uint64(b.usize)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(b.raw); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestDBImportZipBombs: a 15 MB zip of Go advisories whose versions lists
// repeat one token (every version a string held in memory), and a zip
// whose members inflate a thousandfold (details, parsed then dropped).
func TestDBImportZipBombs(t *testing.T) {
	versions := func(id string) []byte {
		var b strings.Builder
		fmt.Fprintf(&b, `{"id":%q,"affected":[{"package":{"ecosystem":"Go","name":"example.com/m"},"versions":["10"`, id)
		for b.Len() < 4<<20-64 {
			b.WriteString(`,"10"`)
		}
		b.WriteString(`]}]}`)
		return []byte(b.String())
	}
	details := func(id string) []byte {
		head := fmt.Sprintf(`{"id":%q,"affected":[{"package":{"ecosystem":"Go","name":"example.com/m"}}],"details":"`, id)
		return []byte(head + strings.Repeat("a", 4<<20-len(head)-8) + `"}`)
	}
	for _, tc := range []struct {
		name        string
		n, variants int
		doc         func(string) []byte
		msg         string
	}{
		{"memory", 2400, 64, versions, "bytes of memory"},
		{"inflation", 1000, 4, details, "a zip bomb?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			z := filepath.Join(t.TempDir(), "all.zip")
			zipBomb(t, z, tc.n, tc.variants, tc.doc)
			ResetPeakRSS(t)
			r := Run(t, Limits{}, nil, "db", "import", "--db-dir", t.TempDir(), z)
			t.Logf("input %d bytes", size(t, z))
			ExpectBoundError(t, r, size(t, z), 20, "all.zip", "import limit exceeded", tc.msg)
			expectTmpEmpty(t, tmp)
		})
	}
}
