package registryauth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/google/go-containerregistry/pkg/authn"
)

// After a failed ACR login, answer Anonymous for a while instead of paying
// for DefaultAzureCredential's probes (IMDS timeouts, az CLI launches) on
// every pull; short enough that a long-running process recovers.
const failureBackoff = time.Minute

// DefaultOptions configures NewDefaultKeychain.
type DefaultOptions struct {
	ACR ACROptions
	// Docker is consulted first; nil means authn.DefaultKeychain (docker
	// config and credential helpers), so an explicit `docker login` or
	// `az acr login` always wins over the ambient Azure identity.
	Docker authn.Keychain
	// Credential builds the Azure credential on first ACR use; nil means
	// azidentity.NewDefaultAzureCredential.
	Credential func() (azcore.TokenCredential, error)
}

// Chain is the keychain returned by DefaultKeychain. Azure failures do not
// fail pulls: ACR allows anonymous pull, and offline scans must keep working,
// so the host falls back to authn.Anonymous and the error is kept for Err.
type Chain struct {
	ctx    context.Context
	docker authn.Keychain
	opts   ACROptions
	newCr  func() (azcore.TokenCredential, error)
	probe  hostMatcher
	once   sync.Once
	acr    *ACRKeychain
	crErr  error
	now    func() time.Time
	mu     sync.Mutex
	failed map[string]time.Time
	errs   map[string]error
	order  []string
}

// DefaultKeychain returns docker config credentials first and then ACR
// login through azidentity.NewDefaultAzureCredential. The credential is
// built only when an ACR host is actually resolved, so scans of other
// registries never touch Azure. ctx is used for token requests made through
// the context-less Resolve.
func DefaultKeychain(ctx context.Context) *Chain {
	return NewDefaultKeychain(ctx, DefaultOptions{})
}

// NewDefaultKeychain is DefaultKeychain with options.
func NewDefaultKeychain(ctx context.Context, opts DefaultOptions) *Chain {
	c := &Chain{
		ctx:    ctx,
		docker: opts.Docker,
		opts:   opts.ACR,
		newCr:  opts.Credential,
		probe:  newHostMatcher(append(append([]string{}, DefaultACRHosts...), opts.ACR.Hosts...)),
		now:    opts.ACR.Now,
		failed: map[string]time.Time{},
		errs:   map[string]error{},
	}
	if c.ctx == nil {
		c.ctx = context.Background()
	}
	if c.docker == nil {
		c.docker = authn.DefaultKeychain
	}
	if c.newCr == nil {
		c.newCr = func() (azcore.TokenCredential, error) { return azidentity.NewDefaultAzureCredential(nil) }
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Resolve implements authn.Keychain.
func (c *Chain) Resolve(target authn.Resource) (authn.Authenticator, error) {
	return c.ResolveContext(c.ctx, target)
}

// ResolveContext implements authn.ContextKeychain.
func (c *Chain) ResolveContext(ctx context.Context, target authn.Resource) (authn.Authenticator, error) {
	auth, err := authn.Resolve(ctx, c.docker, target)
	if err != nil {
		return nil, err
	}
	host := target.RegistryStr()
	if auth != authn.Anonymous || !c.probe.match(host) {
		return auth, nil
	}
	if c.recentlyFailed(host) {
		return authn.Anonymous, nil
	}
	acr, err := c.acrKeychain()
	if err != nil {
		c.fail(host, err)
		return authn.Anonymous, nil
	}
	auth, err = acr.ResolveContext(ctx, target)
	if err != nil {
		// A cancelled pull says nothing about the credential.
		if ctx.Err() != nil {
			return nil, err
		}
		c.fail(host, err)
		return authn.Anonymous, nil
	}
	return auth, nil
}

func (c *Chain) acrKeychain() (*ACRKeychain, error) {
	c.once.Do(func() {
		cred, err := c.newCr()
		if err != nil {
			c.crErr = fmt.Errorf("build Azure credential for ACR login: %w", err)
			return
		}
		c.acr = NewACRKeychain(cred, c.opts)
	})
	return c.acr, c.crErr
}

func (c *Chain) recentlyFailed(host string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	until, ok := c.failed[host]
	return ok && c.now().Before(until)
}

func (c *Chain) fail(host string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failed[host] = c.now().Add(failureBackoff)
	if _, seen := c.errs[host]; !seen {
		c.order = append(c.order, host)
	}
	c.errs[host] = err
}

// Err returns the ACR login failures seen so far, the latest per host, so a
// caller can explain an "unauthorized" pull once instead of on every image.
func (c *Chain) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, h := range c.order {
		errs = append(errs, fmt.Errorf("%s: pulled anonymously: %w", h, c.errs[h]))
	}
	return errors.Join(errs...)
}
