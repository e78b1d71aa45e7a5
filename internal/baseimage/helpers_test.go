package baseimage

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
)

var (
	amd64 = v1.Platform{OS: "linux", Architecture: "amd64"}
	arm64 = v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}
	t0    = time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC)
)

// testRegistry is ggcr's in-process registry on loopback. wrap, when set,
// sees every request first and may answer it itself.
type testRegistry struct {
	host  string
	heads atomic.Int32
	wrap  atomic.Pointer[wrapFunc]
}

type wrapFunc func(w http.ResponseWriter, r *http.Request) bool

func newRegistry(t *testing.T) *testRegistry {
	t.Helper()
	tr := &testRegistry{}
	h := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			tr.heads.Add(1)
		}
		if wrap := tr.wrap.Load(); wrap != nil && (*wrap)(w, r) {
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	tr.host = strings.TrimPrefix(s.URL, "http://")
	return tr
}

func (r *testRegistry) ref(repoTag string) string { return r.host + "/" + repoTag }

// unreachable returns a loopback address nothing listens on.
func unreachable(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func opts() Options {
	return Options{
		// An empty MultiKeychain is anonymous; the default keychain would
		// read the host's docker config and run its credential helpers.
		Keychain: authn.NewMultiKeychain(),
		Remote:   []remote.Option{remote.WithRetryBackoff(remote.Backoff{Steps: 1})},
		Now:      func() time.Time { return t0.Add(30 * 24 * time.Hour) },
	}
}

// baseImage is a random two-layer image for p, created at created.
func baseImage(t *testing.T, p v1.Platform, created time.Time) v1.Image {
	t.Helper()
	img, err := random.Image(512, 2)
	if err != nil {
		t.Fatal(err)
	}
	return withConfig(t, img, func(cf *v1.ConfigFile) {
		cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
		cf.Created = v1.Time{Time: created}
	})
}

func withConfig(t *testing.T, img v1.Image, edit func(*v1.ConfigFile)) v1.Image {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	edit(cf)
	out, err := mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// appOn builds an application image on base, as `FROM base` + one layer.
func appOn(t *testing.T, base v1.Image) v1.Image {
	t.Helper()
	l, err := random.Layer(256, types.DockerLayer)
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.Append(base, mutate.Addendum{Layer: l})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func push(t *testing.T, ref string, img v1.Image) string {
	t.Helper()
	return imagetest.Push(t, ref, img).String()
}

type platImage struct {
	p   v1.Platform
	img v1.Image
}

func pushIndex(t *testing.T, ref string, imgs ...platImage) (string, map[string]string) {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	var idx v1.ImageIndex = empty.Index
	perArch := map[string]string{}
	for _, pi := range imgs {
		p := pi.p
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: pi.img, Descriptor: v1.Descriptor{Platform: &p}})
		perArch[p.Architecture] = digestOf(t, pi.img)
	}
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatal(err)
	}
	d, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String(), perArch
}

func digestOf(t *testing.T, img v1.Image) string {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}
