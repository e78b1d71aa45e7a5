package imagegate

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/sign"
	"github.com/bulwark-sec/bulwark/internal/sign/signtest"
	"github.com/bulwark-sec/bulwark/internal/vuln"
)

// testDB is a real, empty vulnerability database with a fixed digest.
type testDB struct{ *vuln.DB }

func (testDB) Digest() string  { return "test-db" }
func (testDB) Has(string) bool { return true }
func newDB() imagescan.Matcher { return testDB{vuln.NewDB()} }
func pod(images ...string) []*inventory.Object {
	p := &corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}, ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}}
	for i, img := range images {
		c := corev1.Container{Name: "c" + string(rune('a'+i)), Image: img}
		if i == 0 {
			p.Spec.InitContainers = append(p.Spec.InitContainers, c)
		} else {
			p.Spec.Containers = append(p.Spec.Containers, c)
		}
	}
	return []*inventory.Object{inventory.NewObject(p.TypeMeta, &p.ObjectMeta, p, finding.Location{Resource: "/api/v1/namespaces/shop/pods/web"}, nil)}
}

// countingRegistry is go-containerregistry's registry on loopback,
// counting the requests it serves.
func countingRegistry(t *testing.T) (string, *atomic.Int64) {
	var n atomic.Int64
	h := registry.New(registry.WithReferrersSupport(true), registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), &n
}

type fixture struct {
	host  string
	calls *atomic.Int64
	cache *imagescan.Cache
	opt   imagescan.Options
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	host, calls := countingRegistry(t)
	ca := signtest.NewCA(t)
	trust, err := sign.LoadTrustDir(ca.WriteTrustDir(t, t.TempDir(), "*"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := sign.NewVerifier(trust, sign.Options{CacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{host: host, calls: calls, cache: &imagescan.Cache{Dir: t.TempDir()}}
	f.opt = imagescan.Options{DB: newDB(), Cache: f.cache, Verify: func(ctx context.Context, repo string, d v1.Hash) (*imagescan.Signature, error) {
		r, err := v.VerifyDigest(ctx, repo, d)
		if err != nil {
			return nil, err
		}
		return &imagescan.Signature{Verified: r.Verified, Reason: r.Reason}, nil
	}}
	// Signed and scanned (scan image writes the record), unsigned and
	// scanned, signed and never scanned.
	for _, img := range []struct {
		ref          string
		signed, scan bool
	}{{"/shop/api:1", true, true}, {"/shop/unsigned:1", false, true}, {"/shop/new:1", true, false}} {
		ref := host + img.ref
		signtest.PushRandomImage(t, ref)
		if img.signed {
			ca.Sign(t, ref)
		}
		if img.scan {
			rs := imagescan.Scan(context.Background(), []imagescan.Target{{Ref: ref}}, imagescan.Options{DB: newDB(), Cache: f.cache})
			if rs[0].Err != "" {
				t.Fatal(rs[0].Err)
			}
		}
	}
	return f
}

func (f *fixture) gate(o Options) *Gate {
	o.Scan = f.opt
	if o.Needs == nil {
		o.Needs = Aspects
	}
	return New(o)
}

func TestAssessSignedScannedImageAndCache(t *testing.T) {
	f := newFixture(t)
	now := time.Now()
	g := f.gate(Options{TTL: time.Minute, Now: func() time.Time { return now }})
	ref := f.host + "/shop/api:1"
	a := g.Assess(context.Background(), pod(ref))
	if len(a.Unassessed) != 0 || len(a.Results) != 1 {
		t.Fatalf("assessment %+v", a)
	}
	r := a.Results[0]
	if r.Ref != ref || r.Signature == nil || !r.Signature.Verified || r.NeverScanned || a.Unverified != 0 {
		t.Errorf("result %+v signature %+v", r, r.Signature)
	}
	if r.Uses[0].Field != "spec.initContainers[0].image" {
		t.Errorf("use %+v", r.Uses)
	}
	if a.Hits != 0 || a.Misses != 1 || len(a.Pins) != 1 || a.Pins[0].Digest != r.Digest || a.Pins[0].Pinned() != ref+"@"+r.Digest {
		t.Errorf("hits %d misses %d pins %+v", a.Hits, a.Misses, a.Pins)
	}
	// Again: the tag is resolved (it may have moved), the digest's
	// verdict comes from the cache: one HEAD request.
	before := f.calls.Load()
	a = g.Assess(context.Background(), pod(ref))
	if a.Hits != 1 || a.Misses != 0 || f.calls.Load()-before != 1 {
		t.Errorf("second: hits %d misses %d, %d registry requests", a.Hits, a.Misses, f.calls.Load()-before)
	}
	// By digest: no registry request at all.
	before = f.calls.Load()
	a = g.Assess(context.Background(), pod(f.host+"/shop/api@"+r.Digest))
	if a.Hits != 1 || len(a.Pins) != 0 || f.calls.Load() != before {
		t.Errorf("by digest: hits %d pins %+v, %d registry requests", a.Hits, a.Pins, f.calls.Load()-before)
	}
	// Past the TTL the digest is judged again.
	now = now.Add(2 * time.Minute)
	if a = g.Assess(context.Background(), pod(ref)); a.Misses != 1 {
		t.Errorf("after the TTL: hits %d misses %d", a.Hits, a.Misses)
	}
}

func TestAssessUnsignedAndNeverScanned(t *testing.T) {
	f := newFixture(t)
	g := f.gate(Options{})
	a := g.Assess(context.Background(), pod(f.host+"/shop/unsigned:1", f.host+"/shop/new:1"))
	if len(a.Results) != 2 || len(a.Unassessed) != 0 {
		t.Fatalf("assessment %+v", a)
	}
	if s := a.Results[0].Signature; s == nil || s.Verified || !strings.Contains(s.Reason, "no Notation signature") || a.Unverified != 1 {
		t.Errorf("unsigned: %+v", s)
	}
	if n := a.Results[1]; !n.NeverScanned || n.Signature == nil || !n.Signature.Verified {
		t.Errorf("never scanned: %+v", n)
	}
}

func TestAssessUnreachableRegistry(t *testing.T) {
	f := newFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := ln.Addr().String()
	ln.Close()
	g := f.gate(Options{})
	a := g.Assess(context.Background(), pod(gone+"/shop/api:1", gone+"/shop/api@sha256:"+strings.Repeat("a", 64)))
	if len(a.Results) != 0 || len(a.Unassessed) != 2 {
		t.Fatalf("assessment %+v", a)
	}
	if u := a.Unassessed[0]; u.Ref != gone+"/shop/api:1" || !strings.Contains(u.Reason, "resolving "+gone+"/shop/api:1") || !strings.Contains(u.Reason, "refused") {
		t.Errorf("tag: %+v", u)
	}
	// The digest has no record (IMG-013 would say so) but its signature
	// cannot be read: not assessed.
	if u := a.Unassessed[1]; !strings.Contains(u.Reason, "signature not assessed") {
		t.Errorf("digest: %+v", u)
	}
}

func TestAssessSlowRegistryTimesOut(t *testing.T) {
	f := newFixture(t)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer slow.Close()
	g := f.gate(Options{RegistryTimeout: 100 * time.Millisecond})
	start := time.Now()
	a := g.Assess(context.Background(), pod(slow.Listener.Addr().String()+"/shop/api:1"))
	if len(a.Unassessed) != 1 || !strings.Contains(a.Unassessed[0].Reason, "deadline") {
		t.Errorf("assessment %+v", a)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %s with a 100 ms registry timeout", d)
	}
}

func TestAssessSkipsRegistriesNotAllowed(t *testing.T) {
	f := newFixture(t)
	g := f.gate(Options{AllowedRegistries: []string{"myacr.azurecr.io"}})
	before := f.calls.Load()
	a := g.Assess(context.Background(), pod(f.host+"/shop/api:1"))
	if len(a.Results)+len(a.Unassessed) != 0 || f.calls.Load() != before {
		t.Errorf("an image outside the allowed registries was looked up: %+v, %d requests", a, f.calls.Load()-before)
	}
}

func TestAssessWithoutSignatureNeeds(t *testing.T) {
	f := newFixture(t)
	opt := f.opt
	opt.Verify = nil
	g := New(Options{Scan: opt, Needs: []string{imagescan.AspectVulnerabilities, imagescan.AspectRecord}})
	a := g.Assess(context.Background(), pod(f.host+"/shop/unsigned:1"))
	if len(a.Results) != 1 || len(a.Unassessed) != 0 || a.Results[0].Signature != nil {
		t.Errorf("assessment %+v", a)
	}
}

func TestLimitResponses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/declared" {
			w.Header().Set("Content-Length", "2000")
		}
		w.(http.Flusher).Flush()
		_, _ = w.Write([]byte(strings.Repeat("x", 2000)))
	}))
	defer srv.Close()
	c := &http.Client{Transport: LimitResponses(http.DefaultTransport, 1000)}
	if _, err := c.Get(srv.URL + "/declared"); !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("declared length: %v", err)
	}
	resp, err := c.Get(srv.URL + "/streamed")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, ErrResponseTooLarge) {
		t.Errorf("streamed: %v", err)
	}
	c = &http.Client{Transport: LimitResponses(http.DefaultTransport, 2000)}
	resp, err = c.Get(srv.URL + "/streamed")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if b, err := io.ReadAll(resp.Body); err != nil || len(b) != 2000 {
		t.Errorf("at the limit: %d bytes, %v", len(b), err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"nginx", "myacr.azurecr.io/app:1.0", "localhost:5000/a/b@sha256:" + strings.Repeat("a", 64),
		"r/a:t@sha256:" + strings.Repeat("b", 64), "@", ":", "a@b@c", "UPPER/x", strings.Repeat("a/", 200)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		repo, tag, digest, err := parse(s, nil)
		if err != nil {
			return
		}
		if (tag == "") == (digest == "") || repo.Name() == "" {
			t.Errorf("%q: repo %q tag %q digest %q", s, repo.Name(), tag, digest)
		}

	})
}
