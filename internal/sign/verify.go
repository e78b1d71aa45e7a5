package sign

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/notaryproject/notation-go"
	"github.com/notaryproject/notation-go/verifier/trustpolicy"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sync/singleflight"

	"github.com/bulwark-sec/bulwark/internal/ttlcache"

	// Envelope parsers register themselves; without both, signatures in
	// the other format would fail as "unsupported media type".
	_ "github.com/notaryproject/notation-core-go/signature/cose"
	_ "github.com/notaryproject/notation-core-go/signature/jws"
)

// maxCacheEntries bounds memory in a long-running admission controller; a
// cluster rarely runs more distinct image digests than this.
const maxCacheEntries = 10000

// Defaults for Options.
const (
	DefaultMaxSignatureAttempts = 10
	DefaultCacheTTL             = 10 * time.Minute
	DefaultNegativeCacheTTL     = time.Minute
)

// annotationCreated is set by notation on every signature manifest.
const annotationCreated = "org.opencontainers.image.created"

// Options configures a Verifier.
type Options struct {
	// Keychain for registry auth; nil = authn.DefaultKeychain (as for image
	// pulls in internal/image).
	Keychain authn.Keychain
	// Remote are extra registry options (transport, retry, ...).
	Remote []remote.Option
	// NameOptions for reference parsing (e.g. name.Insecure).
	NameOptions []name.Option
	// MaxSignatureAttempts bounds the signatures examined per image, and
	// with it the work an attacker can cause by attaching many signatures.
	// <= 0 means DefaultMaxSignatureAttempts.
	MaxSignatureAttempts int
	// CacheTTL is how long a verdict for a digest is reused. 0 means
	// DefaultCacheTTL, < 0 disables caching. A positive verdict is never
	// kept past the signing certificate's or the signature's expiry.
	CacheTTL time.Duration
	// NegativeCacheTTL is how long a failed verdict (e.g. "no signature
	// found") is reused; kept short because the image may be signed a
	// moment later. 0 means DefaultNegativeCacheTTL (capped at CacheTTL),
	// < 0 disables caching of failures.
	NegativeCacheTTL time.Duration
	// ResolveTTL caches tag-to-digest resolution. Tags move, so the default
	// 0 resolves on every call.
	ResolveTTL time.Duration
	// Now is the clock for cache expiry (tests). notation-go checks
	// certificate validity against the real time regardless.
	Now func() time.Time
}

// Verifier checks Notation signatures against one Trust. It is safe for
// concurrent use.
type Verifier struct {
	trust    *Trust
	nv       notation.Verifier
	opts     Options
	remote   []remote.Option
	verdicts *ttlcache.Cache[verdictKey, Result]
	tags     *ttlcache.Cache[string, ocispec.Descriptor]
	flight   singleflight.Group
}

type verdictKey struct {
	trust, repo, digest string
}

// NewVerifier builds a Verifier. Revocation is checked the notation way:
// OCSP/CRL only for URLs present in the certificates, so certificates
// without them verify offline.
func NewVerifier(trust *Trust, opts Options) (*Verifier, error) {
	if trust == nil {
		return nil, errors.New("sign: nil trust")
	}
	nv, err := trust.NotationVerifier()
	if err != nil {
		return nil, err
	}
	if opts.MaxSignatureAttempts <= 0 {
		opts.MaxSignatureAttempts = DefaultMaxSignatureAttempts
	}
	if opts.CacheTTL == 0 {
		opts.CacheTTL = DefaultCacheTTL
	}
	if opts.NegativeCacheTTL == 0 {
		opts.NegativeCacheTTL = min(DefaultNegativeCacheTTL, opts.CacheTTL)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	kc := opts.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	return &Verifier{
		trust:    trust,
		nv:       nv,
		opts:     opts,
		remote:   append([]remote.Option{remote.WithAuthFromKeychain(kc)}, opts.Remote...),
		verdicts: ttlcache.New[verdictKey, Result](maxCacheEntries),
		tags:     ttlcache.New[string, ocispec.Descriptor](maxCacheEntries),
	}, nil
}

// Verify verifies the image ref (tag or digest reference). Tags are
// resolved to a digest first and only the digest is verified; the verdict
// is cached per digest, never per tag.
//
// An error means the image could not be assessed (bad reference, registry
// unreachable, 401/403, context cancelled). A missing or bad signature is
// a Result with Verified false and a Reason.
func (v *Verifier) Verify(ctx context.Context, ref string) (Result, error) {
	var r name.Reference
	var err error
	if strings.Contains(ref, "@") {
		// ParseReference would first try (and fail) to parse a tag, which
		// doubles the cost of the hot, cached path.
		r, err = name.NewDigest(ref, v.opts.NameOptions...)
	} else {
		r, err = name.ParseReference(ref, v.opts.NameOptions...)
	}
	if err != nil {
		return Result{}, fmt.Errorf("sign: parse reference %q: %w", ref, err)
	}
	repo := r.Context()
	var res Result
	switch r := r.(type) {
	case name.Digest:
		h, herr := v1.NewHash(r.DigestStr())
		if herr != nil {
			return Result{}, fmt.Errorf("sign: reference %q: %w", ref, herr)
		}
		res, err = v.verify(ctx, repo, h, nil, nil)
	case name.Tag:
		// Decide applicability first: an image no statement covers (or
		// that is skipped) needs no registry access, so an unreachable or
		// unauthorised registry cannot turn that verdict into an error.
		if _, res, done := v.preflight(repo); done {
			res.Reference = ref
			return res, nil
		}
		desc, rr, rerr := v.resolveTag(ctx, r)
		if rerr != nil {
			return Result{}, fmt.Errorf("sign: resolve %s: %w", ref, rerr)
		}
		h, herr := v1.NewHash(desc.Digest.String())
		if herr != nil {
			return Result{}, fmt.Errorf("sign: resolve %s: %w", ref, herr)
		}
		res, err = v.verify(ctx, repo, h, &desc, rr)
	default:
		return Result{}, fmt.Errorf("sign: unsupported reference %q", ref)
	}
	if err != nil {
		return Result{}, err
	}
	res.Reference = ref
	return res, nil
}

// VerifyDigest verifies repository@digest for callers that already know
// the digest (for example from a pod's imageID).
func (v *Verifier) VerifyDigest(ctx context.Context, repository string, digest v1.Hash) (Result, error) {
	repo, err := name.NewRepository(repository, v.opts.NameOptions...)
	if err != nil {
		return Result{}, fmt.Errorf("sign: parse repository %q: %w", repository, err)
	}
	if digest.Algorithm != "sha256" || len(digest.Hex) != 64 {
		return Result{}, fmt.Errorf("sign: invalid digest %q", digest)
	}
	res, err := v.verify(ctx, repo, digest, nil, nil)
	if err != nil {
		return Result{}, err
	}
	res.Reference = repo.Name() + "@" + digest.String()
	return res, nil
}

// resolveTag returns the tag's descriptor and, when it had to ask the
// registry, the Repository used, so a following verification reuses its
// authenticated transport.
func (v *Verifier) resolveTag(ctx context.Context, tag name.Tag) (ocispec.Descriptor, *Repository, error) {
	now := v.opts.Now()
	if v.opts.ResolveTTL > 0 {
		if d, ok := v.tags.Get(tag.Name(), now); ok {
			return d, nil, nil
		}
	}
	rr, err := NewRepository(tag.Context(), v.remote...)
	if err != nil {
		return ocispec.Descriptor{}, nil, err
	}
	d, err := rr.Resolve(ctx, tag.TagStr())
	if err != nil {
		return ocispec.Descriptor{}, nil, err
	}
	if v.opts.ResolveTTL > 0 {
		v.tags.Put(tag.Name(), d, now.Add(v.opts.ResolveTTL), now)
	}
	return d, rr, nil
}

// verify answers from the cache or runs one verification per key at a
// time, so a burst of admissions for the same image costs one registry
// round trip.
func (v *Verifier) verify(ctx context.Context, repo name.Repository, dgst v1.Hash, desc *ocispec.Descriptor, rr *Repository) (Result, error) {
	key := verdictKey{v.trust.hash, repo.Name(), dgst.String()}
	if res, ok := v.verdicts.Get(key, v.opts.Now()); ok {
		res.Cached = true
		res.Warnings = slices.Clone(res.Warnings)
		return res, nil
	}
	run := func() (any, error) { return v.verifyUncached(ctx, key, repo, dgst, desc, rr) }
	ch := v.flight.DoChan(key.trust+"\x00"+key.repo+"\x00"+key.digest, run)
	select {
	case <-ctx.Done():
		return Result{}, fmt.Errorf("sign: %s@%s: %w", repo.Name(), dgst, ctx.Err())
	case r := <-ch:
		// The shared run used the first caller's context; if that caller
		// gave up, verify again under ours rather than inherit its error.
		if r.Err != nil && isContextErr(r.Err) && ctx.Err() == nil {
			var res Result
			res, r.Err = v.verifyUncached(ctx, key, repo, dgst, desc, rr)
			r.Val = res
		}
		if r.Err != nil {
			return Result{}, r.Err
		}
		res := r.Val.(Result)
		res.Warnings = slices.Clone(res.Warnings)
		return res, nil
	}
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// preflight decides the verdicts that need no registry: no applicable
// statement, or level skip.
func (v *Verifier) preflight(repo name.Repository) (*trustpolicy.TrustPolicy, Result, bool) {
	res := Result{Repository: repo.Name()}
	policy := v.trust.statement(repo)
	if policy == nil {
		res.Reason = "no trust policy statement applies to " + repo.Name()
		return nil, res, true
	}
	res.PolicyName = policy.Name
	res.Level = policy.SignatureVerification.VerificationLevel
	if res.Level == trustpolicy.LevelSkip.Name {
		res.Reason = "trust policy skips verification for " + repo.Name()
		return policy, res, true
	}
	return policy, res, false
}

func (v *Verifier) verifyUncached(ctx context.Context, key verdictKey, repo name.Repository, dgst v1.Hash, desc *ocispec.Descriptor, rr *Repository) (Result, error) {
	now := v.opts.Now()
	policy, res, done := v.preflight(repo)
	res.Digest = dgst.String()
	if done {
		v.remember(key, res, now.Add(v.opts.CacheTTL), now)
		return res, nil
	}
	artifact := repo.Name() + "@" + dgst.String()
	artifactRef := v.trust.scopeFor(repo) + "@" + dgst.String()
	var err error
	if rr == nil {
		if rr, err = NewRepository(repo, v.remote...); err != nil {
			return Result{}, fmt.Errorf("sign: %s: %w", artifact, err)
		}
	}
	if desc == nil {
		d, err := rr.Resolve(ctx, dgst.String())
		if err != nil {
			return Result{}, fmt.Errorf("sign: resolve %s: %w", artifact, err)
		}
		desc = &d
	}
	sigs, err := rr.signatures(ctx, *desc)
	if err != nil {
		return Result{}, fmt.Errorf("sign: list signatures of %s: %w", artifact, err)
	}
	if len(sigs) == 0 {
		res.Reason = "no Notation signature found"
		v.remember(key, res, now.Add(v.opts.NegativeCacheTTL), now)
		return res, nil
	}
	// Newest first: after a re-sign or key rotation the current signature
	// is the one that should count, and MaxSignatureAttempts may cut the
	// list short.
	slices.SortStableFunc(sigs, func(a, b ocispec.Descriptor) int {
		return cmp.Compare(b.Annotations[annotationCreated], a.Annotations[annotationCreated])
	})

	var best, unenforced *attempt
	var failures []attempt
	tried := 0
loop:
	for _, sd := range sigs {
		if tried >= v.opts.MaxSignatureAttempts {
			break
		}
		tried++
		blob, bd, err := rr.FetchSignatureBlob(ctx, sd)
		if err != nil {
			var ce *SignatureContentError
			if errors.As(err, &ce) {
				failures = append(failures, attempt{reason: "unusable signature: " + ce.Error()})
				continue
			}
			return Result{}, fmt.Errorf("sign: fetch signature %s of %s: %w", sd.Digest, artifact, err)
		}
		outcome, verr := v.nv.Verify(ctx, *desc, blob, notation.VerifierVerifyOptions{
			ArtifactReference:  artifactRef,
			SignatureMediaType: bd.MediaType,
		})
		if ctx.Err() != nil {
			return Result{}, fmt.Errorf("sign: verify %s: %w", artifact, ctx.Err())
		}
		a := judge(outcome, verr, policy.Name, levelText(policy))
		switch {
		case a.verified && len(a.warnings) == 0:
			best = &a
			break loop
		case a.verified:
			if best == nil {
				best = &a
			}
		case a.unenforced:
			// The level is the same for every signature of this image,
			// so the others cannot do better.
			unenforced = &a
			break loop
		default:
			failures = append(failures, a)
		}
	}

	var pick *attempt
	switch {
	case best != nil:
		pick = best
		res.Verified = true
	case unenforced != nil:
		pick = unenforced
	default:
		pick = &failures[0]
	}
	res.Reason, res.Signer, res.SignedAt = pick.reason, pick.signer, pick.signedAt
	res.Warnings = append(res.Warnings, pick.warnings...)
	if !res.Verified && len(failures) > 1 {
		res.Reason += fmt.Sprintf(" (%d other signatures also failed)", len(failures)-1)
	}
	if len(sigs) > tried && best == nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("only %d of %d signatures were examined (MaxSignatureAttempts)", tried, len(sigs)))
	}

	switch {
	case res.Verified:
		exp := now.Add(v.opts.CacheTTL)
		if !pick.validUntil.IsZero() && pick.validUntil.Before(exp) {
			exp = pick.validUntil
		}
		v.remember(key, res, exp, now)
	case !slices.ContainsFunc(failures, func(a attempt) bool { return a.transient }):
		v.remember(key, res, now.Add(v.opts.NegativeCacheTTL), now)
	}
	return res, nil
}

func (v *Verifier) remember(key verdictKey, res Result, exp, now time.Time) {
	if v.opts.CacheTTL < 0 || (!res.Verified && v.opts.NegativeCacheTTL < 0) {
		return
	}
	v.verdicts.Put(key, res, exp, now)
}
