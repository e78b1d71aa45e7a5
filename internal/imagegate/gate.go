// Package imagegate judges, at the admission door, the images a workload
// would run, without pulling them: each reference is resolved to a digest
// (a tag asks the registry what it points to now), the digest's Notation
// signature is verified against the trust policy, and its vulnerabilities
// are read from the scan record `bulwark scan image` wrote into the shared
// cache. The result of a digest is an imagescan.Result, judged by the same
// IMG checks, policy and gate as any scan; a digest no scan recorded is
// IMG-013, never a pass.
//
// Verdicts are cached by digest for a TTL; a gate is built per policy and
// trust policy, so a reload starts from an empty cache. What could not be
// assessed (the registry did not answer in time, a signature could not be
// read) is returned apart, for the caller's failure mode.
package imagegate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/singleflight"

	"github.com/bulwark-sec/bulwark/internal/checks/workload"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/ttlcache"
)

// Defaults of Options.
const (
	DefaultTTL = 5 * time.Minute
	// DefaultNegativeTTL bounds how long an image that failed (unsigned,
	// never scanned) keeps failing after it was signed or scanned.
	DefaultNegativeTTL = time.Minute
	// DefaultRegistryTimeout is the time one image may take at the
	// registry, below the webhook's default deadline (2 s).
	DefaultRegistryTimeout = 1500 * time.Millisecond
	// DefaultMaxResponse bounds every registry response: manifests,
	// referrer lists and Notation envelopes are a few KiB.
	DefaultMaxResponse = 4 << 20
	// maxEntries bounds the verdict cache.
	maxEntries = 10000
	// workers bounds the images of one request assessed at once.
	workers = 4
)

// Aspects are the parts of an image assessment the gate can judge without
// pulling the image. Checks that read others (drift, base image) are the
// scans'.
var Aspects = []string{imagescan.AspectVulnerabilities, imagescan.AspectSignature, imagescan.AspectRecord}

// Options configure a Gate.
type Options struct {
	// Scan assesses one digest: Verify, DB, Cache and Open (keychain,
	// transport) as BuildImageOptions makes them. RecordsOnly is forced:
	// the gate never pulls layers.
	Scan imagescan.Options
	// Needs are the aspects the selected checks read; an aspect needed
	// and not assessed makes the image unassessed.
	Needs []string
	// AllowedRegistries: an image outside them is not looked up (K8S-043
	// reports it), so a pod spec cannot make the webhook call any host.
	AllowedRegistries []string
	TTL               time.Duration // 0: DefaultTTL
	NegativeTTL       time.Duration // 0: DefaultNegativeTTL, capped at TTL
	RegistryTimeout   time.Duration // 0: DefaultRegistryTimeout
	Now               func() time.Time
}

// Gate judges images; it is safe for concurrent use.
type Gate struct {
	opt Options
	// puller keeps one authenticated transport per repository, so that
	// resolving a tag is one HEAD request, not a ping and a token
	// exchange each time.
	puller *remote.Puller
	cache  *ttlcache.Cache[string, *imagescan.Result]
	flight singleflight.Group
}

// New makes a gate.
func New(opt Options) *Gate {
	opt.Scan.RecordsOnly = true
	opt.Scan.Base = nil
	opt.Scan.Workers = 1
	opt.TTL = cmp.Or(opt.TTL, DefaultTTL)
	opt.NegativeTTL = min(cmp.Or(opt.NegativeTTL, DefaultNegativeTTL), opt.TTL)
	opt.RegistryTimeout = cmp.Or(opt.RegistryTimeout, DefaultRegistryTimeout)
	if opt.Now == nil {
		opt.Now = time.Now
	}
	kc := opt.Scan.Open.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	g := &Gate{opt: opt, cache: ttlcache.New[string, *imagescan.Result](maxEntries)}
	if p, err := remote.NewPuller(append([]remote.Option{remote.WithAuthFromKeychain(kc)}, opt.Scan.Open.Remote...)...); err == nil {
		g.puller = p
	}
	return g
}

// Unassessed is an image the gate could not judge.
type Unassessed struct {
	Ref    string
	Reason string
}

// Pin is a tag that resolved to a digest, at the fields that use it.
type Pin struct {
	Ref    string
	Digest string
	Uses   []imagescan.Use
}

// Pinned is the reference pinned to the digest, keeping the tag for
// readers (the runtime pulls by digest and ignores it).
func (p Pin) Pinned() string { return p.Ref + "@" + p.Digest }

// Assessment is what the gate found for the images of some objects.
type Assessment struct {
	// Results are for the IMG checks (imagescan.ToObjects), one per
	// reference, named as written.
	Results    []*imagescan.Result
	Unassessed []Unassessed
	// Pins are the tags resolved, for the mutating webhook.
	Pins []Pin
	// Hits and Misses count digests answered from the cache or not.
	Hits, Misses int
	// Unverified counts images whose signature did not verify.
	Unverified int
}

type outcome struct {
	res        *imagescan.Result
	unassessed string
	digest     string // resolved from a tag
	hit        bool
	skip       bool
}

// Assess judges the images of objs (their pod specs) within ctx.
func (g *Gate) Assess(ctx context.Context, objs []*inventory.Object) *Assessment {
	targets := imagescan.Targets(objs, nil)
	out := make([]outcome, len(targets))
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for i, t := range targets {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i] = g.judge(ctx, t)
		})
	}
	wg.Wait()
	a := &Assessment{}
	for i, o := range out {
		switch {
		case o.skip:
			continue
		case o.unassessed != "":
			a.Unassessed = append(a.Unassessed, Unassessed{Ref: targets[i].Ref, Reason: render.OneLine(o.unassessed)})
			continue
		case o.hit:
			a.Hits++
		default:
			a.Misses++
		}
		a.Results = append(a.Results, o.res)
		if o.res.Signature != nil && !o.res.Signature.Verified {
			a.Unverified++
		}
		if o.digest != "" {
			a.Pins = append(a.Pins, Pin{Ref: targets[i].Ref, Digest: o.digest, Uses: targets[i].Uses})
		}
	}
	return a
}

func (g *Gate) judge(ctx context.Context, t imagescan.Target) outcome {
	if !workload.RegistryAllowed(t.Ref, g.opt.AllowedRegistries) {
		return outcome{skip: true}
	}
	repo, tag, digest, err := parse(t.Ref, g.opt.Scan.Open.NameOptions)
	if err != nil {
		return outcome{unassessed: err.Error()}
	}
	var o outcome
	if digest == "" {
		rctx, cancel := context.WithTimeout(ctx, g.opt.RegistryTimeout)
		d, err := g.head(rctx, repo.Tag(tag))
		cancel()
		if err != nil {
			return outcome{unassessed: fmt.Sprintf("resolving %s: %v", repo.Tag(tag).Name(), trim(err))}
		}
		digest = d.Digest.String()
		o.digest = digest
	}
	key := repo.Name() + "@" + digest
	res, ok := g.cache.Get(key, g.opt.Now())
	o.hit = ok
	if !ok {
		v, err, _ := g.flight.Do(key, func() (any, error) { return g.assess(ctx, key) })
		if err != nil {
			return outcome{unassessed: err.Error()}
		}
		res = v.(*imagescan.Result)
	}
	// The cached result is shared: the copy is the image as this
	// workload writes it.
	c := *res
	c.Target = t
	o.res = &c
	return o
}

// assess judges repo@digest and caches what was fully assessed.
func (g *Gate) assess(ctx context.Context, ref string) (*imagescan.Result, error) {
	rctx, cancel := context.WithTimeout(ctx, g.opt.RegistryTimeout)
	defer cancel()
	rs := imagescan.Scan(rctx, []imagescan.Target{{Ref: ref}}, g.opt.Scan)
	if len(rs) != 1 {
		return nil, fmt.Errorf("%s: no result", ref)
	}
	r := rs[0]
	if r.Err != "" {
		return nil, errors.New(r.Err)
	}
	for _, a := range g.opt.Needs {
		why, no := r.NotAssessed[a]
		if !no || a == imagescan.AspectVulnerabilities && r.NeverScanned {
			continue
		}
		return nil, fmt.Errorf("%s not assessed: %s", a, why)
	}
	now := g.opt.Now()
	ttl := g.opt.TTL
	if r.NeverScanned || r.Signature != nil && !r.Signature.Verified {
		ttl = g.opt.NegativeTTL
	}
	g.cache.Put(ref, r, now.Add(ttl), now)
	return r, nil
}

func (g *Gate) head(ctx context.Context, tag name.Tag) (*v1.Descriptor, error) {
	if g.puller != nil {
		return g.puller.Head(ctx, tag)
	}
	return remote.Head(tag, append([]remote.Option{remote.WithContext(ctx)}, g.opt.Scan.Open.Remote...)...)
}

// parse splits a reference as the runtime reads it: repo, tag, digest;
// repo:tag@digest is pulled by digest.
func parse(s string, opts []name.Option) (name.Repository, string, string, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "@") {
		d, err := name.NewDigest(s, opts...)
		if err != nil {
			return name.Repository{}, "", "", fmt.Errorf("image %q: %v", s, err)
		}
		return d.Context(), "", d.DigestStr(), nil
	}
	t, err := name.NewTag(s, opts...)
	if err != nil {
		return name.Repository{}, "", "", fmt.Errorf("image %q: %v", s, err)
	}
	return t.Context(), t.TagStr(), "", nil
}

// trim keeps an error to its first line: registries answer with HTML.
func trim(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}
