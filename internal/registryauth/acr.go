package registryauth

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/google/go-containerregistry/pkg/authn"
)

const (
	// ACRScope is the Entra ID scope ACR accepts in the token exchange, in
	// every cloud.
	ACRScope = "https://containerregistry.azure.net/.default"
	// ACRUsername is the fixed user name that tells ACR the password is a
	// refresh token rather than an admin or token password.
	ACRUsername = "00000000-0000-0000-0000-000000000000"

	// ACR does not always put exp into refresh tokens; three hours is their
	// documented lifetime and what Ratify assumes.
	defaultRefreshLifetime = 3 * time.Hour
	// Renew early so a token never expires between Resolve and the pull.
	refreshMargin = 5 * time.Minute
)

// ACROptions configures NewACRKeychain.
type ACROptions struct {
	// Hosts are extra registry hosts to treat as ACR, added to
	// DefaultACRHosts: "*.example.com" (or ".example.com") matches
	// subdomains, anything else must equal the registry host[:port].
	Hosts []string
	// TenantID is passed to the credential and to the exchange; empty uses
	// the credential's own tenant.
	TenantID string
	// HTTPClient performs the exchange; nil means a client with a 30 s
	// timeout on http.DefaultTransport.
	HTTPClient *http.Client
	// Now is the clock for cache expiry; nil means time.Now.
	Now func() time.Time
}

// ACRKeychain is an authn.Keychain for Azure Container Registry.
// Registries that are not ACR resolve to authn.Anonymous so that it can sit
// anywhere in an authn.NewMultiKeychain.
type ACRKeychain struct {
	cred    azcore.TokenCredential
	tenant  string
	client  *http.Client
	now     func() time.Time
	matcher hostMatcher

	mu    sync.Mutex
	hosts map[string]*hostEntry
}

// hostEntry serialises exchanges per registry so concurrent pulls from the
// same ACR share one round trip instead of stampeding the endpoint.
type hostEntry struct {
	mu       sync.Mutex
	password string
	renewAt  time.Time
}

// NewACRKeychain returns a keychain that logs into ACR registries with
// tokens from cred.
func NewACRKeychain(cred azcore.TokenCredential, opts ACROptions) *ACRKeychain {
	k := &ACRKeychain{
		cred:    cred,
		tenant:  opts.TenantID,
		client:  opts.HTTPClient,
		now:     opts.Now,
		matcher: newHostMatcher(append(append([]string{}, DefaultACRHosts...), opts.Hosts...)),
		hosts:   map[string]*hostEntry{},
	}
	if k.client == nil {
		k.client = &http.Client{Timeout: 30 * time.Second}
	}
	if k.now == nil {
		k.now = time.Now
	}
	return k
}

// IsACR reports whether registry (host[:port]) is handled by this keychain.
func (k *ACRKeychain) IsACR(registry string) bool { return k.matcher.match(registry) }

// Resolve implements authn.Keychain.
func (k *ACRKeychain) Resolve(target authn.Resource) (authn.Authenticator, error) {
	return k.ResolveContext(context.Background(), target)
}

// ResolveContext implements authn.ContextKeychain, so pulls that are
// cancelled also cancel the token requests they triggered.
func (k *ACRKeychain) ResolveContext(ctx context.Context, target authn.Resource) (authn.Authenticator, error) {
	host := target.RegistryStr()
	if !k.matcher.match(host) {
		return authn.Anonymous, nil
	}
	password, err := k.refreshToken(ctx, host)
	if err != nil {
		return nil, err
	}
	return &authn.Basic{Username: ACRUsername, Password: password}, nil
}

func (k *ACRKeychain) entry(host string) *hostEntry {
	k.mu.Lock()
	defer k.mu.Unlock()
	e := k.hosts[host]
	if e == nil {
		e = &hostEntry{}
		k.hosts[host] = e
	}
	return e
}

func (k *ACRKeychain) refreshToken(ctx context.Context, host string) (string, error) {
	e := k.entry(host)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.password != "" && k.now().Before(e.renewAt) {
		return e.password, nil
	}
	e.password = ""
	if k.cred == nil {
		return "", fmt.Errorf("ACR login to %s: no Azure credential", host)
	}
	tok, err := k.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{ACRScope}, TenantID: k.tenant})
	if err != nil {
		return "", fmt.Errorf("ACR login to %s: get Entra ID token: %w", host, err)
	}
	refresh, err := exchange(ctx, k.client, host, k.tenant, tok.Token)
	if err != nil {
		return "", err
	}
	expiry, err := tokenExpiry(refresh)
	if err != nil {
		expiry = k.now().Add(defaultRefreshLifetime)
	}
	e.password, e.renewAt = refresh, expiry.Add(-refreshMargin)
	return refresh, nil
}
