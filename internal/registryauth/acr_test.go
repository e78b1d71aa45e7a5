package registryauth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
)

const aadSecret = "eyJhbGciOiJub25lIn0.eyJhYWQiOiJzZWNyZXQifQ.aad-secret-token"

func registryOf(t *testing.T, host string) name.Registry {
	t.Helper()
	r, err := name.NewRegistry(host)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func basic(t *testing.T, a authn.Authenticator) *authn.AuthConfig {
	t.Helper()
	cfg, err := a.Authorization()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestHostMatching(t *testing.T) {
	m := newHostMatcher(append(append([]string{}, DefaultACRHosts...), "registry.contoso.example", "*.acr.internal", "127.0.0.1:5000"))
	for host, want := range map[string]bool{
		"myacr.azurecr.io":             true,
		"MyACR.AzureCR.io":             true,
		"myacr.azurecr.io:443":         true,
		"gov.azurecr.us":               true,
		"cn.azurecr.cn":                true,
		"a.b.acr.internal":             true,
		"registry.contoso.example":     true,
		"127.0.0.1:5000":               true,
		"azurecr.io":                   false, // no registry label in front
		"evilazurecr.io":               false,
		"myacr.azurecr.io.evil.com":    false,
		"myacr.azurecr.io:5000":        false,
		"index.docker.io":              false,
		"ghcr.io":                      false,
		"127.0.0.1:5001":               false,
		"x.registry.contoso.example":   false,
		"myacr.westeurope.azurecr.com": false,
	} {
		if got := m.match(host); got != want {
			t.Errorf("match(%q) = %v, want %v", host, got, want)
		}
	}
	if newHostMatcher([]string{"*", ".", "*."}).match("anything.example") {
		t.Error("bare wildcards must not match every registry")
	}
}

func TestNonACRHostsAreAnonymousWithoutAzureCalls(t *testing.T) {
	isolateDocker(t, "")
	cred := &recordingCred{token: aadSecret}
	kc := NewACRKeychain(cred, ACROptions{})
	for _, h := range []string{"index.docker.io", "ghcr.io", "mcr.microsoft.com", "myacr.azurecr.io.evil.com"} {
		a, err := kc.Resolve(registryOf(t, h))
		if err != nil || a != authn.Anonymous {
			t.Errorf("%s: got %v, %v; want Anonymous", h, a, err)
		}
	}
	if cred.count() != 0 {
		t.Fatalf("credential called %d times for non-ACR hosts", cred.count())
	}
	// It composes: a MultiKeychain falls through to the next keychain.
	if a, err := authn.NewMultiKeychain(kc, authn.DefaultKeychain).Resolve(registryOf(t, "ghcr.io")); err != nil || a == nil {
		t.Fatalf("multikeychain: %v %v", a, err)
	}
}

func TestExchangeWithAzcoreFakeCredential(t *testing.T) {
	f := newFakeACR(t, "fake_token") // what fake.TokenCredential hands out
	kc := NewACRKeychain(&fake.TokenCredential{}, ACROptions{HTTPClient: f.client(), Now: f.clock.Now})
	a, err := kc.Resolve(registryOf(t, testHost))
	if err != nil {
		t.Fatal(err)
	}
	cfg := basic(t, a)
	if cfg.Username != ACRUsername || !strings.HasPrefix(cfg.Password, "eyJ") {
		t.Fatalf("got user %q password %q", cfg.Username, cfg.Password)
	}
	if f.exchanges.Load() != 1 {
		t.Fatalf("exchanges = %d", f.exchanges.Load())
	}

	failing := &fake.TokenCredential{}
	failing.SetError(errors.New("no managed identity endpoint"))
	_, err = NewACRKeychain(failing, ACROptions{HTTPClient: f.client()}).Resolve(registryOf(t, testHost))
	if err == nil || !strings.Contains(err.Error(), "ACR login to myacr.azurecr.io: get Entra ID token") || !strings.Contains(err.Error(), "no managed identity endpoint") {
		t.Fatalf("err = %v", err)
	}
}

func TestExchangeRequestContract(t *testing.T) {
	f := newFakeACR(t, aadSecret)
	f.wantTenant = "72f988bf-0000-0000-0000-000000000000"
	cred := &recordingCred{token: aadSecret}
	kc := NewACRKeychain(cred, ACROptions{HTTPClient: f.client(), TenantID: f.wantTenant, Now: f.clock.Now})
	if _, err := kc.Resolve(registryOf(t, testHost)); err != nil {
		t.Fatal(err)
	}
	if got := cred.calls[0]; len(got.Scopes) != 1 || got.Scopes[0] != ACRScope || got.TenantID != f.wantTenant {
		t.Fatalf("token request = %+v", got)
	}
	form := f.lastForm
	for k, want := range map[string]string{"grant_type": "access_token", "service": testHost, "access_token": aadSecret, "tenant": f.wantTenant} {
		if form[k] == nil || form[k][0] != want {
			t.Errorf("form %s = %v, want %q", k, form[k], want)
		}
	}
}

func TestCacheAndExpiry(t *testing.T) {
	f := newFakeACR(t, aadSecret)
	cred := &recordingCred{token: aadSecret}
	kc := NewACRKeychain(cred, ACROptions{HTTPClient: f.client(), Now: f.clock.Now})
	reg := registryOf(t, testHost)
	resolve := func() string {
		a, err := kc.Resolve(reg)
		if err != nil {
			t.Fatal(err)
		}
		return basic(t, a).Password
	}

	first := resolve()
	if second := resolve(); second != first || f.exchanges.Load() != 1 || cred.count() != 1 {
		t.Fatalf("second resolve: same=%v exchanges=%d getToken=%d", second == first, f.exchanges.Load(), cred.count())
	}
	// Still cached just before the 5-minute safety margin ...
	f.clock.Advance(3*time.Hour - refreshMargin - time.Second)
	if resolve() != first || f.exchanges.Load() != 1 {
		t.Fatal("renewed too early")
	}
	// ... renewed inside it.
	f.clock.Advance(2 * time.Second)
	if third := resolve(); third == first || f.exchanges.Load() != 2 {
		t.Fatalf("expected a new exchange, exchanges=%d", f.exchanges.Load())
	}

	// Without exp, the documented three hours are assumed.
	f.set(func(f *fakeACR) { f.refreshTTL = 0 })
	kc2 := NewACRKeychain(cred, ACROptions{HTTPClient: f.client(), Now: f.clock.Now})
	resolve = func() string {
		a, err := kc2.Resolve(reg)
		if err != nil {
			t.Fatal(err)
		}
		return basic(t, a).Password
	}
	resolve()
	f.clock.Advance(defaultRefreshLifetime - refreshMargin - time.Second)
	resolve()
	if f.exchanges.Load() != 3 {
		t.Fatalf("exchanges = %d, want 3", f.exchanges.Load())
	}
	f.clock.Advance(2 * time.Second)
	resolve()
	if f.exchanges.Load() != 4 {
		t.Fatalf("exchanges = %d, want 4", f.exchanges.Load())
	}
}

func TestConcurrentResolveSharesOneExchange(t *testing.T) {
	f := newFakeACR(t, aadSecret)
	kc := NewACRKeychain(&recordingCred{token: aadSecret}, ACROptions{HTTPClient: f.client(), Now: f.clock.Now})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := kc.ResolveContext(context.Background(), registryOf(t, testHost)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := f.exchanges.Load(); n != 1 {
		t.Fatalf("exchanges = %d, want 1", n)
	}
}

func TestExchangeErrorsAreClearAndSecretFree(t *testing.T) {
	f := newFakeACR(t, aadSecret)
	cases := []struct {
		name, body string
		code       int
		want       string
	}{
		{"401 echoing secrets", `{"errors":[{"code":"UNAUTHORIZED","message":"token ` + aadSecret + ` rejected, also eyJabc.eyJdef.ghi"}]}`, 401,
			"ACR token exchange for myacr.azurecr.io failed: 401 Unauthorized: UNAUTHORIZED token [redacted] rejected"},
		{"oauth error", `{"error":"invalid_request","error_description":"tenant mismatch"}`, 400,
			"ACR token exchange for myacr.azurecr.io failed: 400 Bad Request: invalid_request tenant mismatch"},
		{"plain text", "upstream down", 503, "failed: 503 Service Unavailable: upstream down"},
		{"200 without token", `{"access_token":"` + aadSecret + `"}`, 200, "response has no refresh_token"},
		{"200 not json", aadSecret, 200, "response is not JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.set(func(f *fakeACR) { f.exchangeCode, f.exchangeBody = c.code, c.body })
			kc := NewACRKeychain(&recordingCred{token: aadSecret}, ACROptions{HTTPClient: f.client()})
			_, err := kc.Resolve(registryOf(t, testHost))
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) {
				t.Errorf("error %q does not contain %q", msg, c.want)
			}
			for _, secret := range []string{aadSecret, "aad-secret-token", "eyJabc"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error leaks %q: %s", secret, msg)
				}
			}
		})
	}
	var ee *ExchangeError
	f.set(func(f *fakeACR) { f.exchangeCode, f.exchangeBody = 403, "" })
	_, err := NewACRKeychain(&recordingCred{token: aadSecret}, ACROptions{HTTPClient: f.client()}).Resolve(registryOf(t, testHost))
	if !errors.As(err, &ee) || ee.StatusCode != 403 || ee.Host != testHost {
		t.Fatalf("errors.As ExchangeError: %v", err)
	}
}

func TestUnreachableExchangeEndpoint(t *testing.T) {
	f := newFakeACR(t, aadSecret)
	f.server.Close()
	_, err := NewACRKeychain(&recordingCred{token: aadSecret}, ACROptions{HTTPClient: f.client()}).Resolve(registryOf(t, testHost))
	if err == nil || !strings.Contains(err.Error(), "ACR token exchange for myacr.azurecr.io failed") || strings.Contains(err.Error(), aadSecret) {
		t.Fatalf("err = %v", err)
	}
}

func TestTokenExpiry(t *testing.T) {
	exp := time.Unix(1900000000, 0)
	if got, err := tokenExpiry(makeJWT(map[string]any{"exp": exp.Unix()})); err != nil || !got.Equal(exp) {
		t.Fatalf("got %v %v", got, err)
	}
	if got, err := tokenExpiry(makeJWT(map[string]any{"exp": 1900000000.5})); err != nil || !got.Equal(exp) {
		t.Fatalf("float exp: %v %v", got, err)
	}
	for _, bad := range []string{"", "opaque", "a.!!!.c", "a." + base64URL("[]") + ".c", makeJWT(map[string]any{"sub": "x"}), makeJWT(map[string]any{"exp": "soon"}), makeJWT(map[string]any{"exp": -1})} {
		if _, err := tokenExpiry(bad); err == nil {
			t.Errorf("tokenExpiry(%q) = nil error", bad)
		}
	}
}
