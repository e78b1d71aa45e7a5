package registryauth

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// seedImage pushes a random image as app:v1 through the unauthenticated side
// door and returns its digest.
func seedImage(t *testing.T, f *fakeACR) v1.Hash {
	t.Helper()
	img, err := random.Image(256, 2)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference(strings.TrimPrefix(f.seed.URL, "http://") + "/app:v1")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func pull(t *testing.T, f *fakeACR, kc *ACRKeychain) (v1.Image, error) {
	t.Helper()
	return pullWith(t, f, kc)
}

func pullWith(t *testing.T, f *fakeACR, kc authn.Keychain) (v1.Image, error) {
	t.Helper()
	ref, err := name.ParseReference(testHost + "/app:v1")
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(ref, remote.WithAuthFromKeychain(kc), remote.WithTransport(f.transport),
		remote.WithRetryBackoff(remote.Backoff{Steps: 1}))
	if err != nil {
		return nil, err
	}
	// Reading a layer proves blob access, not just the manifest.
	layers, err := img.Layers()
	if err != nil {
		return nil, err
	}
	rc, err := layers[0].Compressed()
	if err != nil {
		return nil, err
	}
	return img, rc.Close()
}

func TestPullFromACRThroughKeychain(t *testing.T) {
	f := newFakeACR(t, aadSecret)
	want := seedImage(t, f)
	kc := NewACRKeychain(&recordingCred{token: aadSecret}, ACROptions{HTTPClient: f.client(), Now: f.clock.Now})

	img, err := pull(t, f, kc)
	if err != nil {
		t.Fatalf("pull: %v", err)
	}
	if got, _ := img.Digest(); got != want {
		t.Fatalf("digest %s, want %s", got, want)
	}
	if f.lastTokenUser != ACRUsername {
		t.Fatalf("registry saw user %q", f.lastTokenUser)
	}
	// A second pull reuses the cached refresh token.
	if _, err := pull(t, f, kc); err != nil || f.exchanges.Load() != 1 {
		t.Fatalf("second pull: err=%v exchanges=%d", err, f.exchanges.Load())
	}
}

func TestPullWithRejectedRefreshTokenFailsClearly(t *testing.T) {
	wrong := makeJWT(map[string]any{"exp": time.Now().Add(time.Hour).Unix(), "note": "never-issued"})
	t.Run("wrong token", func(t *testing.T) {
		f := newFakeACR(t, aadSecret)
		seedImage(t, f)
		f.set(func(f *fakeACR) { f.nextRefresh = wrong })
		kc := NewACRKeychain(&recordingCred{token: aadSecret}, ACROptions{HTTPClient: f.client(), Now: f.clock.Now})
		_, err := pull(t, f, kc)
		assertUnauthorized(t, f, err, wrong)
	})
	t.Run("expired token", func(t *testing.T) {
		f := newFakeACR(t, aadSecret)
		seedImage(t, f)
		f.set(func(f *fakeACR) { f.refreshTTL = 10 * time.Minute })
		// The keychain's clock lags the registry's: its cached token still
		// looks fresh to us but has expired for the registry.
		kc := NewACRKeychain(&recordingCred{token: aadSecret}, ACROptions{HTTPClient: f.client(), Now: newClock().Now})
		if _, err := pull(t, f, kc); err != nil {
			t.Fatalf("first pull: %v", err)
		}
		f.clock.Advance(11 * time.Minute)
		_, err := pull(t, f, kc)
		assertUnauthorized(t, f, err, wrong)
		if f.exchanges.Load() != 1 {
			t.Fatalf("exchanges = %d, want the cached token to be reused", f.exchanges.Load())
		}
	})
}

func assertUnauthorized(t *testing.T, f *fakeACR, err error, extraSecrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("pull succeeded with a rejected token")
	}
	msg := err.Error()
	if !strings.Contains(msg, "https://myacr.azurecr.io/oauth2/token") || !strings.Contains(msg, "UNAUTHORIZED: authentication required") {
		t.Errorf("unclear error: %s", msg)
	}
	secrets := append([]string{aadSecret, "eyJ"}, extraSecrets...)
	f.mu.Lock()
	for tok := range f.issued {
		secrets = append(secrets, tok)
	}
	f.mu.Unlock()
	for _, s := range secrets {
		if strings.Contains(msg, s) {
			t.Errorf("error leaks a token: %s", msg)
		}
	}
}
