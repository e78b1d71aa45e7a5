package registryauth

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/google/go-containerregistry/pkg/authn"
)

// isolateDocker keeps the host's docker config and credential helpers out.
func isolateDocker(t *testing.T, config string) {
	t.Helper()
	dir := t.TempDir()
	if config != "" {
		if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("DOCKER_CONFIG", dir)
}

type credFactory struct {
	calls atomic.Int32
	cred  azcore.TokenCredential
	err   error
}

func (c *credFactory) build() (azcore.TokenCredential, error) {
	c.calls.Add(1)
	return c.cred, c.err
}

func TestDefaultKeychainNeverBuildsCredentialForOtherRegistries(t *testing.T) {
	isolateDocker(t, "")
	// The real constructor: resolving non-ACR hosts must not reach Azure.
	kc := DefaultKeychain(context.Background())
	for _, h := range []string{"index.docker.io", "ghcr.io", "127.0.0.1:5000"} {
		if a, err := kc.Resolve(registryOf(t, h)); err != nil || a != authn.Anonymous {
			t.Fatalf("%s: %v %v", h, a, err)
		}
	}
	if kc.acr != nil || kc.crErr != nil {
		t.Fatal("credential was built for a non-ACR registry")
	}

	f := &credFactory{cred: &recordingCred{token: aadSecret}}
	kc = NewDefaultKeychain(context.Background(), DefaultOptions{Credential: f.build})
	kc.Resolve(registryOf(t, "ghcr.io"))
	if f.calls.Load() != 0 {
		t.Fatal("credential built for ghcr.io")
	}
}

func TestDefaultKeychainDockerConfigWins(t *testing.T) {
	auth := base64.StdEncoding.EncodeToString([]byte("admin:docker-secret"))
	isolateDocker(t, `{"auths":{"myacr.azurecr.io":{"auth":"`+auth+`"}}}`)
	f := &credFactory{cred: &recordingCred{token: aadSecret}}
	kc := NewDefaultKeychain(context.Background(), DefaultOptions{Credential: f.build})
	a, err := kc.Resolve(registryOf(t, testHost))
	if err != nil {
		t.Fatal(err)
	}
	if cfg := basic(t, a); cfg.Username != "admin" || cfg.Password != "docker-secret" {
		t.Fatalf("got %+v", cfg)
	}
	if f.calls.Load() != 0 {
		t.Fatal("Azure credential built although docker config had an entry")
	}
}

func TestDefaultKeychainUsesACRLazily(t *testing.T) {
	isolateDocker(t, "")
	fa := newFakeACR(t, aadSecret)
	f := &credFactory{cred: &recordingCred{token: aadSecret}}
	kc := NewDefaultKeychain(context.Background(), DefaultOptions{
		Credential: f.build,
		ACR:        ACROptions{HTTPClient: fa.client(), Now: fa.clock.Now},
	})
	for range 3 {
		a, err := kc.Resolve(registryOf(t, testHost))
		if err != nil {
			t.Fatal(err)
		}
		if cfg := basic(t, a); cfg.Username != ACRUsername {
			t.Fatalf("got %+v", cfg)
		}
	}
	if f.calls.Load() != 1 || fa.exchanges.Load() != 1 {
		t.Fatalf("credential built %d times, %d exchanges", f.calls.Load(), fa.exchanges.Load())
	}
	if kc.Err() != nil {
		t.Fatalf("Err = %v", kc.Err())
	}
	// And a pull through the whole chain works.
	seedImage(t, fa)
	if _, err := pullWith(t, fa, kc); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultKeychainCredentialFailureIsAnonymousPlusError(t *testing.T) {
	isolateDocker(t, "")
	f := &credFactory{err: errors.New("DefaultAzureCredential: no credential sources")}
	kc := NewDefaultKeychain(context.Background(), DefaultOptions{Credential: f.build})
	for range 2 {
		if a, err := kc.Resolve(registryOf(t, testHost)); err != nil || a != authn.Anonymous {
			t.Fatalf("got %v %v", a, err)
		}
	}
	if f.calls.Load() != 1 {
		t.Fatalf("constructor called %d times", f.calls.Load())
	}
	err := kc.Err()
	if err == nil || !strings.Contains(err.Error(), "myacr.azurecr.io: pulled anonymously: build Azure credential for ACR login: DefaultAzureCredential: no credential sources") {
		t.Fatalf("Err = %v", err)
	}
}

func TestDefaultKeychainExchangeFailureBacksOff(t *testing.T) {
	isolateDocker(t, "")
	fa := newFakeACR(t, aadSecret)
	fa.set(func(f *fakeACR) {
		f.exchangeCode, f.exchangeBody = 401, `{"errors":[{"code":"UNAUTHORIZED","message":"identity has no AcrPull"}]}`
	})
	cred := &recordingCred{token: aadSecret}
	kc := NewDefaultKeychain(context.Background(), DefaultOptions{
		Credential: (&credFactory{cred: cred}).build,
		ACR:        ACROptions{HTTPClient: fa.client(), Now: fa.clock.Now},
	})
	resolveAnon := func() {
		t.Helper()
		if a, err := kc.Resolve(registryOf(t, testHost)); err != nil || a != authn.Anonymous {
			t.Fatalf("got %v %v", a, err)
		}
	}
	resolveAnon()
	resolveAnon()
	if cred.count() != 1 {
		t.Fatalf("GetToken called %d times inside the backoff window", cred.count())
	}
	err := kc.Err()
	if err == nil || !strings.Contains(err.Error(), "ACR token exchange for myacr.azurecr.io failed: 401 Unauthorized: UNAUTHORIZED identity has no AcrPull") {
		t.Fatalf("Err = %v", err)
	}
	if strings.Contains(err.Error(), aadSecret) {
		t.Fatal("Err leaks the Entra token")
	}
	fa.clock.Advance(failureBackoff + time.Second)
	resolveAnon()
	if cred.count() != 2 {
		t.Fatalf("no retry after the backoff window: %d", cred.count())
	}
	if n := strings.Count(kc.Err().Error(), "pulled anonymously"); n != 1 {
		t.Fatalf("Err repeats the host %d times", n)
	}
}

func TestDefaultKeychainCancelledContextIsAnError(t *testing.T) {
	isolateDocker(t, "")
	fa := newFakeACR(t, aadSecret)
	kc := NewDefaultKeychain(context.Background(), DefaultOptions{
		Credential: (&credFactory{cred: &recordingCred{token: aadSecret}}).build,
		ACR:        ACROptions{HTTPClient: fa.client(), Now: fa.clock.Now},
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := kc.ResolveContext(ctx, registryOf(t, testHost)); err == nil {
		t.Fatal("cancelled resolve returned no error")
	}
	if kc.Err() != nil {
		t.Fatalf("cancellation recorded as a credential failure: %v", kc.Err())
	}
}
