package sign_test

import (
	"context"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/sign"
	"github.com/bulwark-sec/bulwark/internal/sign/signtest"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/notaryproject/notation-core-go/signature/cose"
)

func TestVerifySigned(t *testing.T) {
	t.Parallel()
	for _, referrers := range []bool{true, false} {
		for _, envelope := range []string{"", cose.MediaTypeEnvelope} {
			t.Run(fmt.Sprintf("referrers=%v/envelope=%q", referrers, envelope), func(t *testing.T) {
				t.Parallel()
				host := signtest.NewRegistry(t, referrers)
				ref := host + "/team/app:v1"
				dgst := signtest.PushRandomImage(t, ref)
				ca := signtest.NewCA(t)
				if got := ca.SignWith(t, ref, signtest.SignOptions{MediaType: envelope}); got != dgst {
					t.Fatalf("signed %s, pushed %s", got, dgst)
				}
				repo, _ := name.NewRepository(host + "/team/app")

				// The fallback registry must really have gone through the
				// tag schema, and the referrers one must not have.
				tags, err := remote.List(repo)
				if err != nil {
					t.Fatal(err)
				}
				fallback := strings.Replace(dgst.String(), ":", "-", 1)
				if slices.Contains(tags, fallback) == referrers {
					t.Fatalf("tags %v: fallback tag present=%v with referrers=%v", tags, !referrers, referrers)
				}

				v := newVerifier(t, loadTrust(t, ca, repo.Name()), sign.Options{})
				for _, r := range []string{ref, repo.Name() + "@" + dgst.String(), ref + "@" + dgst.String()} {
					res, err := v.Verify(context.Background(), r)
					if err != nil {
						t.Fatalf("Verify(%s): %v", r, err)
					}
					if !res.Verified || res.Digest != dgst.String() || res.Signer != ca.Subject() || res.Reference != r ||
						res.Repository != repo.Name() || res.PolicyName != "bulwark-test" || res.Level != "strict" || res.SignedAt.IsZero() {
						t.Fatalf("Verify(%s) = %+v", r, res)
					}
					t.Logf("reason: %s", res.Reason)
				}
				res, err := v.VerifyDigest(context.Background(), repo.Name(), dgst)
				if err != nil || !res.Verified || res.Reference != repo.Name()+"@"+dgst.String() {
					t.Fatalf("VerifyDigest = %+v, %v", res, err)
				}
			})
		}
	}
}

// world is one registry with one signed repository.
type world struct {
	host string
	repo name.Repository
	ref  string // tag reference
	dgst v1.Hash
	ca   *signtest.CA
}

func newWorld(t *testing.T, referrers, signed bool) world {
	t.Helper()
	w := world{host: signtest.NewRegistry(t, referrers), ca: signtest.NewCA(t)}
	w.repo, _ = name.NewRepository(w.host + "/team/app")
	w.ref = w.repo.Name() + ":v1"
	w.dgst = signtest.PushRandomImage(t, w.ref)
	if signed {
		w.ca.Sign(t, w.ref)
	}
	return w
}

func (w world) digestRef() string { return w.repo.Name() + "@" + w.dgst.String() }

func verify(t *testing.T, v *sign.Verifier, ref string) sign.Result {
	t.Helper()
	res, err := v.Verify(context.Background(), ref)
	if err != nil {
		t.Fatalf("Verify(%s): %v", ref, err)
	}
	return res
}

func wantFailure(t *testing.T, res sign.Result, reasonPrefix string) {
	t.Helper()
	t.Logf("reason: %s; warnings: %q", res.Reason, res.Warnings)
	if res.Verified || !strings.HasPrefix(res.Reason, reasonPrefix) {
		t.Fatalf("want Verified=false with reason %q..., got %+v", reasonPrefix, res)
	}
}

func TestVerifyUnsigned(t *testing.T) {
	t.Parallel()
	for _, referrers := range []bool{true, false} {
		w := newWorld(t, referrers, false)
		res := verify(t, newVerifier(t, loadTrust(t, w.ca, ""), sign.Options{}), w.ref)
		wantFailure(t, res, "no Notation signature found")
		if res.Digest != w.dgst.String() {
			t.Fatalf("digest %q, want %s", res.Digest, w.dgst)
		}
	}
}

func TestVerifyOtherCA(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, true)
	other := signtest.NewCA(t)
	res := verify(t, newVerifier(t, loadTrust(t, other, ""), sign.Options{}), w.ref)
	wantFailure(t, res, "signature not from a trusted identity: ")
	if res.Signer != w.ca.Subject() {
		t.Fatalf("Signer %q should name the claimed signer %q", res.Signer, w.ca.Subject())
	}
}

func TestVerifyIdentityMismatch(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, true)
	policy := strings.Replace(string(w.ca.PolicyJSON("", "strict")), w.ca.Subject(), "C=US, ST=WA, O=Someone Else", 1)
	res := verify(t, newVerifier(t, trustWithPolicy(t, w.ca, []byte(policy)), sign.Options{}), w.ref)
	wantFailure(t, res, "signature not from a trusted identity: ")
	if !strings.Contains(res.Reason, "matches none of the trustedIdentities") || !strings.Contains(res.Reason, w.ca.Subject()) {
		t.Fatalf("reason %q", res.Reason)
	}
}

func TestVerifyScopeMismatch(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, true)
	v := newVerifier(t, loadTrust(t, w.ca, "registry.example.com/team/app"), sign.Options{})
	res := verify(t, v, w.ref)
	wantFailure(t, res, "no trust policy statement applies to "+w.repo.Name())
	res = verify(t, v, w.digestRef())
	wantFailure(t, res, "no trust policy statement applies to "+w.repo.Name())
}

func TestVerifySkipLevel(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, false)
	policy := `{"version":"1.0","trustPolicies":[{"name":"skip-all","registryScopes":["*"],"signatureVerification":{"level":"skip"}}]}`
	tr, err := sign.NewTrust([]byte(policy), "")
	if err != nil {
		t.Fatal(err)
	}
	res := verify(t, newVerifier(t, tr, sign.Options{}), w.ref)
	wantFailure(t, res, "trust policy skips verification for "+w.repo.Name())
	if res.Level != "skip" || res.PolicyName != "skip-all" {
		t.Fatalf("%+v", res)
	}
}

func TestVerifyTamperedEnvelope(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, true)
	desc, m := signatureOf(t, w.repo, w.dgst)
	env := fetchBlob(t, w.repo, m.Layers[0])
	var jwsEnv map[string]any
	if err := json.Unmarshal(env, &jwsEnv); err != nil {
		t.Fatal(err)
	}
	sig := []byte(jwsEnv["signature"].(string))
	// Still valid base64url, but different signature bytes.
	if sig[0] == 'A' {
		sig[0] = 'B'
	} else {
		sig[0] = 'A'
	}
	jwsEnv["signature"] = string(sig)
	tampered, _ := json.Marshal(jwsEnv)
	putManifest(t, w.repo, m, tampered)
	if err := remote.Delete(w.repo.Digest(desc.Digest.String())); err != nil {
		t.Fatal(err)
	}
	res := verify(t, newVerifier(t, loadTrust(t, w.ca, ""), sign.Options{}), w.ref)
	wantFailure(t, res, "signature integrity check failed: ")
}

func TestVerifySignatureForOtherImage(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, true)
	otherRef := w.repo.Name() + ":unsigned"
	other := signtest.PushRandomImage(t, otherRef)
	otherDesc, err := remote.Head(w.repo.Digest(other.String()))
	if err != nil {
		t.Fatal(err)
	}
	// Re-point a valid signature of w.dgst at the unsigned image.
	_, m := signatureOf(t, w.repo, w.dgst)
	m.Subject.Digest = digestOf(otherDesc.Digest)
	m.Subject.Size = otherDesc.Size
	putManifest(t, w.repo, m, nil)

	v := newVerifier(t, loadTrust(t, w.ca, ""), sign.Options{})
	wantFailure(t, verify(t, v, otherRef), "signature was made for a different artifact")
	if res := verify(t, v, w.ref); !res.Verified {
		t.Fatalf("original still verifies: %+v", res)
	}
}

func TestVerifyExpiredLeaf(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, false)
	w.ca.WithExpiredLeaf(t).Sign(t, w.ref)
	res := verify(t, newVerifier(t, loadTrust(t, w.ca, ""), sign.Options{}), w.ref)
	wantFailure(t, res, "certificate expired: ")

	// permissive only logs the expiry: verified, with the log as warning.
	res = verify(t, newVerifier(t, trustWithPolicy(t, w.ca, w.ca.PolicyJSON("", "permissive")), sign.Options{}), w.ref)
	if !res.Verified || len(res.Warnings) == 0 || !strings.Contains(strings.Join(res.Warnings, "\n"), "certificate expired") {
		t.Fatalf("permissive: %+v", res)
	}
}

func TestVerifySignatureExpiry(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, false)
	w.ca.SignWith(t, w.ref, signtest.SignOptions{SigningTime: time.Now().Add(-2 * time.Minute), Expiry: time.Minute})
	res := verify(t, newVerifier(t, loadTrust(t, w.ca, ""), sign.Options{}), w.ref)
	wantFailure(t, res, "signature expired: ")
}

func TestVerifyAuditNeverVerified(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, true)
	other := signtest.NewCA(t)

	// notation itself passes an untrusted signer under audit.
	res := verify(t, newVerifier(t, trustWithPolicy(t, other, other.PolicyJSON("", "audit")), sign.Options{}), w.ref)
	wantFailure(t, res, "signature not from a trusted identity: ")
	if !strings.Contains(res.Reason, "level audit only logs") || len(res.Warnings) == 0 {
		t.Fatalf("audit untrusted: %+v", res)
	}
	// Even a trusted signer is not "verified" when authenticity is not
	// enforced.
	res = verify(t, newVerifier(t, trustWithPolicy(t, w.ca, w.ca.PolicyJSON("", "audit")), sign.Options{}), w.ref)
	wantFailure(t, res, "trust policy level audit does not enforce")
	if res.Signer != w.ca.Subject() {
		t.Fatalf("%+v", res)
	}
	// Same through an override on strict.
	policy := strings.Replace(string(w.ca.PolicyJSON("", "strict")), `"level": "strict"`, `"level": "strict", "override": {"authenticity": "log"}`, 1)
	res = verify(t, newVerifier(t, trustWithPolicy(t, other, []byte(policy)), sign.Options{}), w.ref)
	wantFailure(t, res, "signature not from a trusted identity: ")
	if !strings.Contains(res.Reason, "level strict (override authenticity=log) only logs") {
		t.Fatalf("%+v", res)
	}
}

func TestVerifyTrustedAmongUntrusted(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, true)
	for range 3 {
		time.Sleep(1100 * time.Millisecond) // distinct creation annotations (second resolution)
		signtest.NewCA(t).Sign(t, w.ref)
	}
	tr := loadTrust(t, w.ca, "")
	if res := verify(t, newVerifier(t, tr, sign.Options{}), w.ref); !res.Verified {
		t.Fatalf("%+v", res)
	}
	// Newest first: with one attempt only the newest (untrusted) one is
	// looked at, and the result says the list was cut short.
	res := verify(t, newVerifier(t, tr, sign.Options{MaxSignatureAttempts: 1}), w.ref)
	wantFailure(t, res, "signature not from a trusted identity")
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "only 1 of 4 signatures") {
		t.Fatalf("%+v", res)
	}
	res = verify(t, newVerifier(t, tr, sign.Options{MaxSignatureAttempts: 2}), w.ref)
	if !strings.Contains(res.Reason, "(1 other signatures also failed)") {
		t.Fatalf("%+v", res)
	}
}

func TestVerifyErrors(t *testing.T) {
	t.Parallel()
	ca := signtest.NewCA(t)
	v := newVerifier(t, loadTrust(t, ca, ""), sign.Options{})
	ctx := context.Background()

	t.Run("unreachable", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		host := srv.Listener.Addr().String()
		srv.Close()
		for _, ref := range []string{host + "/a/b:v1", host + "/a/b@sha256:" + strings.Repeat("ab", 32)} {
			if res, err := v.Verify(ctx, ref); err == nil {
				t.Fatalf("Verify(%s) = %+v, want error", ref, res)
			}
		}
	})
	for _, code := range []int{http.StatusUnauthorized, http.StatusForbidden} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				w.WriteHeader(code)
			}))
			t.Cleanup(srv.Close)
			_, err := v.Verify(ctx, srv.Listener.Addr().String()+"/a/b:v1")
			var terr *transport.Error
			if !errors.As(err, &terr) || terr.StatusCode != code {
				t.Fatalf("err = %v, want transport error %d", err, code)
			}
		})
	}
	t.Run("malformed reference", func(t *testing.T) {
		for _, ref := range []string{"", "UPPER/case", "host/repo@sha256:short", "a b"} {
			if _, err := v.Verify(ctx, ref); err == nil {
				t.Fatalf("Verify(%q): want error", ref)
			}
		}
		if _, err := v.VerifyDigest(ctx, "host/repo", v1.Hash{}); err == nil {
			t.Fatal("VerifyDigest with zero digest: want error")
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		w := newWorld(t, true, true)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := v.Verify(cctx, w.ref); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

// A statement that does not cover the repository, or skips it, must be
// answered without the registry, so an unreachable registry is no error.
func TestVerifyNoRegistryNeeded(t *testing.T) {
	t.Parallel()
	ca := signtest.NewCA(t)
	v := newVerifier(t, loadTrust(t, ca, "registry.example.com/only/this"), sign.Options{})
	srv := httptest.NewServer(http.NotFoundHandler())
	host := srv.Listener.Addr().String()
	srv.Close()
	res := verify(t, v, host+"/a/b:v1")
	wantFailure(t, res, "no trust policy statement applies to")
}

func TestVerifyCache(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, true)
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	v := newVerifier(t, loadTrust(t, w.ca, ""), sign.Options{Now: clock, CacheTTL: 48 * time.Hour})

	if res := verify(t, v, w.ref); !res.Verified || res.Cached {
		t.Fatalf("first: %+v", res)
	}
	if res := verify(t, v, w.digestRef()); !res.Verified || !res.Cached {
		t.Fatalf("second: %+v", res)
	}
	// Moving the tag must not reuse the old digest's verdict.
	moved := signtest.PushRandomImage(t, w.ref)
	res := verify(t, v, w.ref)
	if res.Digest != moved.String() || res.Verified || res.Cached {
		t.Fatalf("after tag move: %+v", res)
	}
	// A positive verdict never outlives the leaf certificate (24h here),
	// even with a longer CacheTTL.
	advance(25 * time.Hour)
	if res := verify(t, v, w.digestRef()); res.Cached {
		t.Fatalf("cached past certificate expiry: %+v", res)
	}

	// Negative verdicts are cached briefly, so signing shows up soon.
	verify(t, v, w.ref)
	res = verify(t, v, w.ref)
	if res.Verified || !res.Cached {
		t.Fatalf("negative verdict not cached: %+v", res)
	}
	w.ca.Sign(t, w.ref)
	advance(sign.DefaultNegativeCacheTTL + time.Second)
	if res := verify(t, v, w.ref); !res.Verified || res.Cached {
		t.Fatalf("after signing: %+v", res)
	}

	// CacheTTL < 0 disables the cache.
	nc := newVerifier(t, loadTrust(t, w.ca, ""), sign.Options{CacheTTL: -1})
	verify(t, nc, w.ref)
	if res := verify(t, nc, w.ref); res.Cached {
		t.Fatalf("cache disabled but %+v", res)
	}
}

func TestVerifyResolveTTL(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, true)
	v := newVerifier(t, loadTrust(t, w.ca, ""), sign.Options{ResolveTTL: time.Hour})
	verify(t, v, w.ref)
	signtest.PushRandomImage(t, w.ref) // tag moves, resolution is cached
	if res := verify(t, v, w.ref); res.Digest != w.dgst.String() || !res.Cached {
		t.Fatalf("%+v", res)
	}
}

func TestVerifyConcurrent(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, true)
	v := newVerifier(t, loadTrust(t, w.ca, ""), sign.Options{})
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Go(func() {
			res, err := v.Verify(context.Background(), w.ref)
			if err == nil && !res.Verified {
				err = fmt.Errorf("not verified: %+v", res)
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestCachedVerifyUnderOneMillisecond(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, true)
	v := newVerifier(t, loadTrust(t, w.ca, ""), sign.Options{})
	verify(t, v, w.digestRef())
	const n = 1000
	start := time.Now()
	for range n {
		if res, err := v.Verify(context.Background(), w.digestRef()); err != nil || !res.Cached {
			t.Fatalf("%+v %v", res, err)
		}
	}
	if per := time.Since(start) / n; per >= time.Millisecond {
		t.Fatalf("cached verify took %v", per)
	}
}

func TestCustomSubject(t *testing.T) {
	t.Parallel()
	host := signtest.NewRegistry(t, false)
	ref := host + "/x/y:1"
	signtest.PushRandomImage(t, ref)
	ca := signtest.NewCA(t, pkix.Name{Country: []string{"DE"}, Province: []string{"BE"}, Organization: []string{"Acme, Inc."}, CommonName: "release"})
	ca.Sign(t, ref)
	if res := verify(t, newVerifier(t, loadTrust(t, ca, ""), sign.Options{}), ref); !res.Verified || !strings.Contains(res.Signer, `Acme\, Inc.`) {
		t.Fatalf("%+v", res)
	}
}

func BenchmarkVerifyCached(b *testing.B) {
	host := signtest.NewRegistry(b, true)
	ref := host + "/bench/app:v1"
	dgst := signtest.PushRandomImage(b, ref)
	ca := signtest.NewCA(b)
	ca.Sign(b, ref)
	tr, err := sign.LoadTrustDir(ca.WriteTrustDir(b, b.TempDir(), ""))
	if err != nil {
		b.Fatal(err)
	}
	digestRef := host + "/bench/app@" + dgst.String()
	run := func(b *testing.B, v *sign.Verifier, ref string) {
		ctx := context.Background()
		if _, err := v.Verify(ctx, ref); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			res, err := v.Verify(ctx, ref)
			if err != nil || !res.Verified || !res.Cached {
				b.Fatalf("%+v %v", res, err)
			}
		}
	}
	b.Run("digest", func(b *testing.B) { run(b, newVerifier(b, tr, sign.Options{}), digestRef) })
	b.Run("tag+ResolveTTL", func(b *testing.B) { run(b, newVerifier(b, tr, sign.Options{ResolveTTL: time.Minute}), ref) })
	b.Run("tag+HEAD", func(b *testing.B) { run(b, newVerifier(b, tr, sign.Options{}), ref) })
}

func BenchmarkVerifyCold(b *testing.B) {
	host := signtest.NewRegistry(b, true)
	ref := host + "/bench/app:v1"
	signtest.PushRandomImage(b, ref)
	ca := signtest.NewCA(b)
	ca.Sign(b, ref)
	tr, err := sign.LoadTrustDir(ca.WriteTrustDir(b, b.TempDir(), ""))
	if err != nil {
		b.Fatal(err)
	}
	v := newVerifier(b, tr, sign.Options{CacheTTL: -1})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := v.Verify(ctx, ref)
		if err != nil || !res.Verified || res.Cached {
			b.Fatalf("%+v %v", res, err)
		}
	}
}

func TestStatementSelection(t *testing.T) {
	t.Parallel()
	// Docker Hub is "index.docker.io" to go-containerregistry and
	// "docker.io" to people; both spellings select the statement. Level
	// skip keeps the test offline.
	policy := `{"version":"1.0","trustPolicies":[
		{"name":"hub","registryScopes":["docker.io/library/nginx"],"signatureVerification":{"level":"skip"}},
		{"name":"hub-long","registryScopes":["index.docker.io/library/redis"],"signatureVerification":{"level":"skip"}},
		{"name":"rest","registryScopes":["*"],"signatureVerification":{"level":"skip"}}]}`
	tr, err := sign.NewTrust([]byte(policy), "")
	if err != nil {
		t.Fatal(err)
	}
	v := newVerifier(t, tr, sign.Options{})
	for ref, want := range map[string]string{
		"nginx:1.27":                            "hub",
		"docker.io/library/nginx":               "hub",
		"redis":                                 "hub-long",
		"registry.example.com/library/nginx:v1": "rest",
	} {
		res := verify(t, v, ref)
		if res.PolicyName != want || res.Level != "skip" || res.Verified {
			t.Errorf("%s: %+v, want statement %s", ref, res, want)
		}
	}
}
