package registryauth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/google/go-containerregistry/pkg/registry"
)

const testHost = "myacr.azurecr.io"

// makeJWT builds an unsigned JWT; the keychain never verifies signatures, and
// the fake registry only compares strings.
func makeJWT(claims map[string]any) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "RS256", "typ": "JWT"}) + "." + enc(claims) + ".c2lnbmF0dXJl"
}

// fakeClock is an injectable, race-safe clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// recordingCred is a TokenCredential that remembers what it was asked for.
type recordingCred struct {
	token string
	err   error
	mu    sync.Mutex
	calls []policy.TokenRequestOptions
}

func (r *recordingCred) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, o)
	if r.err != nil {
		return azcore.AccessToken{}, r.err
	}
	return azcore.AccessToken{Token: r.token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func (r *recordingCred) count() int { r.mu.Lock(); defer r.mu.Unlock(); return len(r.calls) }

// fakeACR imitates an ACR login server: /oauth2/exchange (Entra token ->
// refresh token), /oauth2/token (Basic refresh token -> bearer) and /v2/
// behind a bearer challenge, in front of ggcr's in-process registry.
type fakeACR struct {
	t         *testing.T
	server    *httptest.Server
	transport *http.Transport
	// seed pushes to the same storage without auth.
	seed *httptest.Server

	wantAAD    string
	wantTenant string
	clock      *fakeClock

	mu            sync.Mutex
	refreshTTL    time.Duration // 0: token without exp
	nextRefresh   string        // override for the next exchanges
	exchangeCode  int           // non-zero: fail exchanges with this status
	exchangeBody  string
	issued        map[string]time.Time // refresh token -> expiry (zero: none)
	accessTokens  map[string]bool
	exchanges     atomic.Int32
	lastForm      map[string][]string
	lastTokenUser string
}

func newFakeACR(t *testing.T, aad string) *fakeACR {
	t.Helper()
	f := &fakeACR{t: t, wantAAD: aad, clock: newClock(), refreshTTL: 3 * time.Hour,
		issued: map[string]time.Time{}, accessTokens: map[string]bool{}}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	f.seed = httptest.NewServer(reg)
	t.Cleanup(f.seed.Close)

	mux := http.NewServeMux()
	mux.HandleFunc("/oauth2/exchange", f.handleExchange)
	mux.HandleFunc("/oauth2/token", f.handleToken)
	mux.Handle("/v2/", f.requireBearer(reg))
	f.server, f.transport = tlsServerFor(t, mux, testHost, "*.azurecr.io")
	return f
}

// tlsServerFor serves h over TLS on loopback with a certificate for the
// given names, and returns a transport that sends every connection there:
// the code under test keeps using real ACR host names.
func tlsServerFor(t *testing.T, h http.Handler, names ...string) (*httptest.Server, *http.Transport) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: names, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	s := httptest.NewUnstartedServer(h)
	s.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	s.StartTLS()
	t.Cleanup(s.Close)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	addr := s.Listener.Addr().String()
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}
	t.Cleanup(tr.CloseIdleConnections)
	return s, tr
}

func (f *fakeACR) client() *http.Client { return &http.Client{Transport: f.transport} }

func (f *fakeACR) handleExchange(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "form", http.StatusBadRequest)
		return
	}
	f.exchanges.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastForm = r.PostForm
	if f.exchangeCode != 0 {
		w.WriteHeader(f.exchangeCode)
		io.WriteString(w, f.exchangeBody)
		return
	}
	switch {
	case r.PostForm.Get("grant_type") != "access_token",
		r.PostForm.Get("service") != testHost,
		r.PostForm.Get("access_token") != f.wantAAD,
		f.wantTenant != "" && r.PostForm.Get("tenant") != f.wantTenant:
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"errors":[{"code":"UNAUTHORIZED","message":"invalid AAD token"}]}`)
		return
	}
	tok := f.nextRefresh
	if tok == "" {
		claims := map[string]any{"jti": fmt.Sprint(f.exchanges.Load()), "aud": testHost}
		exp := time.Time{}
		if f.refreshTTL != 0 {
			exp = f.clock.Now().Add(f.refreshTTL)
			claims["exp"] = exp.Unix()
		}
		tok = makeJWT(claims)
		f.issued[tok] = exp
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"refresh_token": tok})
}

func (f *fakeACR) handleToken(w http.ResponseWriter, r *http.Request) {
	user, pass, ok := r.BasicAuth()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastTokenUser = user
	exp, known := f.issued[pass]
	if !ok || user != ACRUsername || !known || (!exp.IsZero() && !f.clock.Now().Before(exp)) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required, visit https://aka.ms/acr/authorization for more information."}]}`)
		return
	}
	access := fmt.Sprintf("acr-access-%d", len(f.accessTokens)+1)
	f.accessTokens[access] = true
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"access_token": access})
}

func (f *fakeACR) requireBearer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		f.mu.Lock()
		valid := ok && f.accessTokens[tok]
		f.mu.Unlock()
		if !valid {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="https://%s/oauth2/token",service="%s"`, testHost, testHost))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (f *fakeACR) set(fn func(f *fakeACR)) { f.mu.Lock(); defer f.mu.Unlock(); fn(f) }

func base64URL(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
