// Package signtest provides real Notation signing material and an
// in-process OCI registry for tests of image signature verification: an
// ECDSA CA with a code-signing leaf, signing through notation-go and
// oras-go (a different client than the verifier's go-containerregistry
// reader, so a test does not only check that one library agrees with
// itself), and Notation trust directories.
package signtest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/notaryproject/notation-core-go/signature"
	"github.com/notaryproject/notation-core-go/signature/jws"
	"github.com/notaryproject/notation-go"
	notationreg "github.com/notaryproject/notation-go/registry"
	"github.com/notaryproject/notation-go/signer"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	orasremote "oras.land/oras-go/v2/registry/remote"
)

// DefaultStoreName is the trust store name WriteTrustDir uses.
const DefaultStoreName = "bulwark-test"

var caSeq atomic.Int64

// CA is a self-signed ECDSA P-256 root and a code-signing leaf issued by it.
type CA struct {
	Root    *x509.Certificate
	RootKey *ecdsa.PrivateKey
	Leaf    *x509.Certificate
	LeafKey *ecdsa.PrivateKey
	// StoreName is the trust store name used by WriteTrustDir and
	// PolicyJSON.
	StoreName string
}

// NewCA creates a root and a leaf valid from an hour ago for a day. The
// optional subject is the leaf's; by default it is unique per CA and has
// C, ST and O, which Notation requires of trusted identities.
func NewCA(t testing.TB, subject ...pkix.Name) *CA {
	t.Helper()
	n := caSeq.Add(1)
	sub := pkix.Name{
		Country:            []string{"US"},
		Province:           []string{"WA"},
		Locality:           []string{"Seattle"},
		Organization:       []string{"Bulwark Test"},
		OrganizationalUnit: []string{"signing"},
		CommonName:         fmt.Sprintf("bulwark-test-signer-%d", n),
	}
	if len(subject) > 0 {
		sub = subject[0]
	}
	rootKey := newKey(t)
	now := time.Now()
	root := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{Country: []string{"US"}, Province: []string{"WA"}, Organization: []string{"Bulwark Test"}, CommonName: fmt.Sprintf("bulwark-test-root-%d", n)},
		NotBefore:             now.Add(-48 * time.Hour),
		NotAfter:              now.Add(10 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	root = createCert(t, root, root, &rootKey.PublicKey, rootKey)
	ca := &CA{Root: root, RootKey: rootKey, StoreName: DefaultStoreName}
	ca.Leaf, ca.LeafKey = ca.issueLeaf(t, sub, now.Add(-time.Hour), now.Add(24*time.Hour))
	return ca
}

// WithExpiredLeaf returns a copy of the CA whose leaf (same subject, same
// root) expired an hour ago. Sign backdates signatures made with it to a
// time the leaf was valid, as if the image had been signed before the
// certificate ran out.
func (c *CA) WithExpiredLeaf(t testing.TB) *CA {
	t.Helper()
	now := time.Now()
	out := *c
	out.Leaf, out.LeafKey = c.issueLeaf(t, c.Leaf.Subject, now.Add(-3*time.Hour), now.Add(-time.Hour))
	return &out
}

func (c *CA) issueLeaf(t testing.TB, sub pkix.Name, notBefore, notAfter time.Time) (*x509.Certificate, *ecdsa.PrivateKey) {
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: serial(t),
		Subject:      sub,
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		// Notation requires digitalSignature only, and codeSigning (or no)
		// extended key usage.
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		BasicConstraintsValid: true,
	}
	return createCert(t, tmpl, c.Root, &key.PublicKey, c.RootKey), key
}

// Subject is the leaf subject DN, usable as an x509.subject identity.
func (c *CA) Subject() string { return c.Leaf.Subject.String() }

// Identity is the trustedIdentities entry for the leaf.
func (c *CA) Identity() string { return "x509.subject: " + c.Subject() }

// Chain is the certificate chain a signature carries, leaf first.
func (c *CA) Chain() []*x509.Certificate { return []*x509.Certificate{c.Leaf, c.Root} }

// SignOptions tune SignWith.
type SignOptions struct {
	// MediaType of the envelope; default JWS (application/jose+json).
	MediaType string
	// Expiry sets a signature expiry relative to the signing time.
	Expiry time.Duration
	// SigningTime backdates the signature; zero means now, or shortly
	// before the leaf's expiry when the leaf has already expired.
	SigningTime time.Time
}

// Sign signs ref (a tag or digest reference in a loopback or other
// registry) with a JWS envelope and returns the signed manifest digest.
func (c *CA) Sign(t testing.TB, ref string) v1.Hash {
	t.Helper()
	return c.SignWith(t, ref, SignOptions{})
}

// SignWith is Sign with options.
func (c *CA) SignWith(t testing.TB, ref string, o SignOptions) v1.Hash {
	t.Helper()
	ctx := context.Background()
	if o.MediaType == "" {
		o.MediaType = jws.MediaTypeEnvelope
	}
	if o.SigningTime.IsZero() && time.Now().After(c.Leaf.NotAfter) {
		o.SigningTime = c.Leaf.NotAfter.Add(-time.Minute)
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatalf("signtest: parse %q: %v", ref, err)
	}
	repo, err := orasremote.NewRepository(r.Context().Name())
	if err != nil {
		t.Fatalf("signtest: oras repository %s: %v", r.Context().Name(), err)
	}
	repo.PlainHTTP = isLoopback(r.Context().RegistryStr())
	// Let oras probe the referrers API now. Otherwise it decides from the
	// OCI-Subject response header, which go-containerregistry's registry
	// never sends, and would always write the tag-schema index.
	target, err := repo.Resolve(ctx, r.Identifier())
	if err != nil {
		t.Fatalf("signtest: resolve %s: %v", ref, err)
	}
	if err := repo.Referrers(ctx, target, "", func([]ocispec.Descriptor) error { return nil }); err != nil {
		t.Fatalf("signtest: probe referrers of %s: %v", ref, err)
	}

	var s notation.Signer
	if o.SigningTime.IsZero() {
		s, err = signer.New(c.LeafKey, c.Chain())
		if err != nil {
			t.Fatalf("signtest: signer: %v", err)
		}
	} else {
		s = &backdatedSigner{key: c.LeafKey, chain: c.Chain(), at: o.SigningTime}
	}
	desc, err := notation.Sign(ctx, s, notationreg.NewRepository(repo), notation.SignOptions{
		ArtifactReference: r.Context().Name() + "@" + target.Digest.String(),
		SignerSignOptions: notation.SignerSignOptions{
			SignatureMediaType: o.MediaType,
			ExpiryDuration:     o.Expiry,
			SigningAgent:       "bulwark-signtest",
		},
	})
	if err != nil {
		t.Fatalf("signtest: sign %s: %v", ref, err)
	}
	h, err := v1.NewHash(desc.Digest.String())
	if err != nil {
		t.Fatalf("signtest: %v", err)
	}
	return h
}

// backdatedSigner does what notation's GenericSigner does except that the
// signing time is chosen, which is the only way to produce a signature by a
// now-expired certificate (notation refuses to sign with one).
type backdatedSigner struct {
	key   crypto.PrivateKey
	chain []*x509.Certificate
	at    time.Time
}

func (s *backdatedSigner) Sign(ctx context.Context, desc ocispec.Descriptor, opts notation.SignerSignOptions) ([]byte, *signature.SignerInfo, error) {
	payload, err := json.Marshal(map[string]ocispec.Descriptor{"targetArtifact": {
		MediaType: desc.MediaType, Digest: desc.Digest, Size: desc.Size, Annotations: desc.Annotations,
	}})
	if err != nil {
		return nil, nil, err
	}
	ls, err := signature.NewLocalSigner(s.chain, s.key)
	if err != nil {
		return nil, nil, err
	}
	req := &signature.SignRequest{
		Payload:       signature.Payload{ContentType: "application/vnd.cncf.notary.payload.v1+json", Content: payload},
		Signer:        ls,
		SigningTime:   s.at,
		SigningScheme: signature.SigningSchemeX509,
		SigningAgent:  opts.SigningAgent,
	}
	if opts.ExpiryDuration != 0 {
		req.Expiry = s.at.Add(opts.ExpiryDuration)
	}
	env, err := signature.NewEnvelope(opts.SignatureMediaType)
	if err != nil {
		return nil, nil, err
	}
	sig, err := env.Sign(req.WithContext(ctx))
	if err != nil {
		return nil, nil, err
	}
	content, err := env.Verify()
	if err != nil {
		return nil, nil, err
	}
	return sig, &content.SignerInfo, nil
}

// PolicyJSON returns a trust policy with one statement "bulwark-test" for
// scope ("" means "*"), the given level ("" means strict), this CA's store
// and its leaf identity.
func (c *CA) PolicyJSON(scope, level string) []byte {
	if scope == "" {
		scope = "*"
	}
	if level == "" {
		level = "strict"
	}
	doc := map[string]any{
		"version": "1.0",
		"trustPolicies": []any{map[string]any{
			"name":                  "bulwark-test",
			"registryScopes":        []string{scope},
			"signatureVerification": map[string]any{"level": level},
			"trustStores":           []string{"ca:" + c.StoreName},
			"trustedIdentities":     []string{c.Identity()},
		}},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}

// WriteTrustDir writes a Notation configuration directory into dir:
// trustpolicy.json (level strict, registryScopes [scope] or "*" when scope
// is empty, this CA's identity and store) and
// truststore/x509/ca/<StoreName>/root.pem. It returns dir.
func (c *CA) WriteTrustDir(t testing.TB, dir, scope string) string {
	t.Helper()
	c.WriteTrustStore(t, dir)
	if err := os.WriteFile(filepath.Join(dir, "trustpolicy.json"), c.PolicyJSON(scope, "strict"), 0o600); err != nil {
		t.Fatalf("signtest: %v", err)
	}
	return dir
}

// WriteTrustStore writes only truststore/x509/ca/<StoreName>/root.pem
// under dir, for tests that pass their own policy to sign.NewTrust.
func (c *CA) WriteTrustStore(t testing.TB, dir string) {
	t.Helper()
	storeDir := filepath.Join(dir, "truststore", "x509", "ca", c.StoreName)
	if err := os.MkdirAll(storeDir, 0o700); err != nil {
		t.Fatalf("signtest: %v", err)
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Root.Raw})
	if err := os.WriteFile(filepath.Join(storeDir, "root.pem"), pemBytes, 0o600); err != nil {
		t.Fatalf("signtest: %v", err)
	}
}

// NewRegistry starts go-containerregistry's in-process registry on
// loopback and returns its host:port. referrers enables the OCI referrers
// API; without it clients must use the "sha256-<hex>" tag schema.
func NewRegistry(t testing.TB, referrers bool) string {
	t.Helper()
	h := registry.New(
		registry.WithReferrersSupport(referrers),
		registry.Logger(log.New(io.Discard, "", 0)),
	)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// PushRandomImage pushes a small random image to ref and returns its
// manifest digest.
func PushRandomImage(t testing.TB, ref string) v1.Hash {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatalf("signtest: parse %q: %v", ref, err)
	}
	img, err := random.Image(256, 1)
	if err != nil {
		t.Fatalf("signtest: random image: %v", err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatalf("signtest: push %s: %v", ref, err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatalf("signtest: %v", err)
	}
	return d
}

func isLoopback(host string) bool {
	h, _, err := net.SplitHostPort(host)
	if err != nil {
		h = host
	}
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("signtest: key: %v", err)
	}
	return k
}

func serial(t testing.TB) *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		t.Fatalf("signtest: serial: %v", err)
	}
	return n.Add(n, big.NewInt(1))
}

func createCert(t testing.TB, tmpl, parent *x509.Certificate, pub crypto.PublicKey, priv crypto.Signer) *x509.Certificate {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
	if err != nil {
		t.Fatalf("signtest: create certificate: %v", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("signtest: parse certificate: %v", err)
	}
	return c
}
