package sign_test

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/sign"
	"github.com/bulwark-sec/bulwark/internal/sign/signtest"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/notaryproject/notation-go"
	"github.com/notaryproject/notation-go/registry"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// anonymous keeps tests away from ~/.docker/config.json and credential
// helpers (authn.DefaultKeychain would read them).
var anonymous = authn.NewMultiKeychain()

func loadTrust(t testing.TB, ca *signtest.CA, scope string) *sign.Trust {
	t.Helper()
	tr, err := sign.LoadTrustDir(ca.WriteTrustDir(t, t.TempDir(), scope))
	if err != nil {
		t.Fatalf("LoadTrustDir: %v", err)
	}
	return tr
}

func trustWithPolicy(t testing.TB, ca *signtest.CA, policy []byte) *sign.Trust {
	t.Helper()
	dir := t.TempDir()
	ca.WriteTrustStore(t, dir)
	tr, err := sign.NewTrust(policy, dir)
	if err != nil {
		t.Fatalf("NewTrust: %v", err)
	}
	return tr
}

func newVerifier(t testing.TB, tr *sign.Trust, opts sign.Options) *sign.Verifier {
	t.Helper()
	if opts.Keychain == nil {
		opts.Keychain = anonymous
	}
	v, err := sign.NewVerifier(tr, opts)
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	return v
}

// signatureOf returns the single Notation signature manifest attached to
// subject and its raw bytes.
func signatureOf(t *testing.T, repo name.Repository, subject v1.Hash) (v1.Descriptor, ocispec.Manifest) {
	t.Helper()
	idx, err := remote.Referrers(repo.Digest(subject.String()), remote.WithFilter("artifactType", registry.ArtifactTypeNotation))
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Manifests) != 1 {
		t.Fatalf("want 1 signature on %s, got %d", subject, len(im.Manifests))
	}
	d, err := remote.Get(repo.Digest(im.Manifests[0].Digest.String()))
	if err != nil {
		t.Fatal(err)
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(d.Manifest, &m); err != nil {
		t.Fatal(err)
	}
	return im.Manifests[0], m
}

func fetchBlob(t *testing.T, repo name.Repository, d ocispec.Descriptor) []byte {
	t.Helper()
	l, err := remote.Layer(repo.Digest(d.Digest.String()))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := l.Compressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// putManifest uploads m (and, if given, a replacement envelope) as a new
// signature manifest.
func putManifest(t *testing.T, repo name.Repository, m ocispec.Manifest, envelope []byte) v1.Hash {
	t.Helper()
	if envelope != nil {
		l := static.NewLayer(envelope, types.MediaType(m.Layers[0].MediaType))
		if err := remote.WriteLayer(repo, l); err != nil {
			t.Fatal(err)
		}
		d, _ := l.Digest()
		m.Layers[0].Digest = digestOf(d)
		m.Layers[0].Size = int64(len(envelope))
	}
	raw, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	h, _, err := v1.SHA256(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Put(repo.Digest(h.String()), rawManifest{raw, types.MediaType(m.MediaType)}); err != nil {
		t.Fatal(err)
	}
	return h
}

// manifestDesc uploads a signature manifest for w's image and returns its
// descriptor as a referrers listing would show it.
func manifestDesc(t *testing.T, w world, m ocispec.Manifest) ocispec.Descriptor {
	t.Helper()
	h := putManifest(t, w.repo, m, nil)
	d, err := remote.Head(w.repo.Digest(h.String()))
	if err != nil {
		t.Fatal(err)
	}
	return toOCIDesc(*d)
}

func toOCIDesc(d v1.Descriptor) ocispec.Descriptor {
	return ocispec.Descriptor{MediaType: string(d.MediaType), Digest: digestOf(d.Digest), Size: d.Size, ArtifactType: d.ArtifactType}
}

func newNotationVerifier(t *testing.T, tr *sign.Trust) notation.Verifier {
	t.Helper()
	nv, err := tr.NotationVerifier()
	if err != nil {
		t.Fatal(err)
	}
	return nv
}

func digestOf(h v1.Hash) digest.Digest { return digest.Digest(h.String()) }

type rawManifest struct {
	b  []byte
	mt types.MediaType
}

func (r rawManifest) RawManifest() ([]byte, error)        { return r.b, nil }
func (r rawManifest) MediaType() (types.MediaType, error) { return r.mt, nil }
