// Package imagetest builds real images for tests: layers from files, images
// with a platform config, Go binaries compiled by the test, and an
// in-process OCI registry on loopback to push them to.
package imagetest

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// File is one tar entry of a layer.
type File struct {
	Name    string
	Content []byte
	Mode    int64 // default 0644
	Dir     bool
}

// TarBytes writes files as an uncompressed tar.
func TarBytes(t testing.TB, files ...File) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.Name, Mode: f.Mode, Size: int64(len(f.Content)), Typeflag: tar.TypeReg}
		if f.Dir {
			h.Typeflag, h.Size = tar.TypeDir, 0
		}
		if h.Mode == 0 {
			h.Mode = 0o644
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if !f.Dir {
			if _, err := tw.Write(f.Content); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Layer makes a layer holding files.
func Layer(t testing.TB, files ...File) v1.Layer {
	t.Helper()
	b := TarBytes(t, files...)
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Image makes an OCI image for linux/arch from layers, with config labels.
func Image(t testing.TB, arch string, labels map[string]string, layers ...v1.Layer) v1.Image {
	t.Helper()
	cfg, err := mutate.ConfigFile(empty.Image, &v1.ConfigFile{OS: "linux", Architecture: arch, RootFS: v1.RootFS{Type: "layers"}, Config: v1.Config{Labels: labels}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(mutate.MediaType(cfg, types.OCIManifestSchema1), layers...)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// Index makes an OCI index of images, each with its config's platform.
func Index(t testing.TB, imgs ...v1.Image) v1.ImageIndex {
	t.Helper()
	var adds []mutate.IndexAddendum
	for _, img := range imgs {
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: cf.Platform()}})
	}
	return mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...)
}

// Registry starts an in-process OCI registry (with the referrers API) on
// loopback and returns its host:port. DOCKER_CONFIG points at an empty
// directory so the default keychain never reads the machine's credentials.
func Registry(t testing.TB) string {
	t.Helper()
	if tt, ok := t.(*testing.T); ok {
		tt.Setenv("DOCKER_CONFIG", t.TempDir())
	}
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0)), registry.WithReferrersSupport(true)))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// Push writes an image or index to ref and returns its digest.
func Push(t testing.TB, ref string, img any) v1.Hash {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	var d v1.Hash
	switch x := img.(type) {
	case v1.Image:
		err = remote.Write(r, x)
		if err == nil {
			d, err = x.Digest()
		}
	case v1.ImageIndex:
		err = remote.WriteIndex(r, x)
		if err == nil {
			d, err = x.Digest()
		}
	default:
		t.Fatalf("Push: %T is neither an image nor an index", img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// GoProgram is a main package to compile.
type GoProgram struct {
	// Requires are module requirements, "golang.org/x/text v0.3.5". They
	// must be in the module cache: the build runs with GOPROXY=off.
	Requires []string
	// Imports are the packages main.go imports for their side effects
	// (a blank import links the module into the binary).
	Imports []string
}

// BuildGo compiles p offline (CGO off, -trimpath) and returns the binary.
func BuildGo(t testing.TB, p GoProgram) []byte {
	t.Helper()
	dir := t.TempDir()
	gomod := "module example.com/tiny\n\ngo 1.22\n"
	for _, r := range p.Requires {
		gomod += "\nrequire " + r + "\n"
	}
	main := "package main\n\n"
	for _, i := range p.Imports {
		main += "import _ \"" + i + "\"\n"
	}
	main += "\nfunc main() {}\n"
	for n, c := range map[string]string{"go.mod": gomod, "main.go": main} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "tiny")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOSUMDB=off", "GOFLAGS=-mod=mod", "GOWORK=off", "CGO_ENABLED=0", "GOTOOLCHAIN=local")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build of the test binary failed (are the required modules in the module cache? hack/install-tools.sh downloads them): %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Layout writes img as the only image of a new OCI layout at dir.
func Layout(t testing.TB, dir string, img v1.Image) {
	t.Helper()
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(img); err != nil {
		t.Fatal(err)
	}
}

// SparseMember is a PAX 1.0 sparse tar member (as GNU tar --sparse writes
// it): data stored at offset 0, the rest of realSize a hole. archive/tar
// reads such members but cannot write them. No end-of-archive marker is
// added.
func SparseMember(name string, realSize int64, data []byte) []byte {
	var out bytes.Buffer
	rec := func(k, v string) string {
		s := " " + k + "=" + v + "\n"
		n := len(s) + 1 // the length counts its own digits
		for len(strconv.Itoa(n))+len(s) != n {
			n = len(strconv.Itoa(n)) + len(s)
		}
		return strconv.Itoa(n) + s
	}
	pax := rec("GNU.sparse.major", "1") + rec("GNU.sparse.minor", "0") + rec("GNU.sparse.name", name) + rec("GNU.sparse.realsize", strconv.FormatInt(realSize, 10))
	sparseMap := fmt.Sprintf("1\n0\n%d\n", len(data))
	body := append(pad([]byte(sparseMap)), data...)
	out.Write(ustarHeader("PaxHeaders/"+name, 'x', int64(len(pax))))
	out.Write(pad([]byte(pax)))
	out.Write(ustarHeader("GNUSparseFile.0/"+name, '0', int64(len(body))))
	out.Write(pad(body))
	return out.Bytes()
}

func pad(b []byte) []byte {
	if r := len(b) % 512; r != 0 {
		b = append(b, make([]byte, 512-r)...)
	}
	return b
}

func ustarHeader(name string, typ byte, size int64) []byte {
	h := make([]byte, 512)
	copy(h[0:100], name)
	copy(h[100:108], "0000644\x00")
	copy(h[108:116], "0000000\x00")
	copy(h[116:124], "0000000\x00")
	copy(h[124:136], fmt.Sprintf("%011o\x00", size))
	copy(h[136:148], "00000000000\x00")
	h[156] = typ
	copy(h[257:265], "ustar\x0000")
	copy(h[148:156], "        ")
	sum := 0
	for _, c := range h {
		sum += int(c)
	}
	copy(h[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return h
}
