package scan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/bulwark-sec/bulwark/internal/baseimage"
	"github.com/bulwark-sec/bulwark/internal/image"
	"github.com/bulwark-sec/bulwark/internal/imagegate"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/policy"
	"github.com/bulwark-sec/bulwark/internal/registryauth"
	"github.com/bulwark-sec/bulwark/internal/regularfile"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/sign"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// DefaultMaxDBAge is the age past which vulnerability data is stale.
const DefaultMaxDBAge = vulndb.DefaultMaxAge

// ImageConfig are the settings of image assessment as an entry point
// receives them; BuildImageOptions merges them with the policy.
type ImageConfig struct {
	// Platforms to assess, os/arch[/variant]; empty leaves the choice to
	// the scan (scan cluster: the platforms its nodes run).
	Platforms     []string
	FromCache     bool
	DBDir         string
	CacheDir      string
	NoCache       bool
	IgnoreUnfixed bool
	TrustDir      string
	MaxDBAge      time.Duration
	// MaxDBAgeSet: MaxDBAge was given explicitly and wins over the
	// policy's vulnerabilities.maxDatabaseAge.
	MaxDBAgeSet bool
	NoBase      bool
	Dockerfile  string
	BuildArgs   []string
	// Admission configures the image gate of admission serve; nil for
	// scans.
	Admission *GateConfig
	// Operator: the images a cluster runs are judged again and again
	// (bulwark operator), from scan records only (FromCache). The
	// registry is asked nothing (signatures not verified, tags not
	// resolved: their checks are not assessed) unless Reverify is set;
	// then each answer is kept for Reverify, so a signature is verified
	// again, and a tag looked up again, once per Reverify.
	Operator bool
	Reverify time.Duration
}

// reverifyNote says why the operator verifies no signature and resolves
// no tag.
const reverifyNote = "the operator asks registries nothing unless --reverify-interval is set"

// GateConfig are the image gate's own settings (imagegate.Options).
type GateConfig struct {
	// TTL is how long a digest's verdict is reused.
	TTL time.Duration
	// RegistryTimeout bounds the registry calls for one image.
	RegistryTimeout time.Duration
	// MaxResponse bounds every registry response, in bytes.
	MaxResponse int64
}

// BuildImageOptions turns the configuration and the policy into image
// options: vulnerability database, cache, registry credentials, trust
// policy and verifier, base-image lookup. ctx must live as long as the
// scan (it carries the registry credentials' lifetime). Every error is a
// UsageError (exit 2).
func BuildImageOptions(ctx context.Context, cfg ImageConfig, pol *policy.Policy, now time.Time) (*ImageOptions, error) {
	iopt := &ImageOptions{}
	o := &iopt.Options
	for _, p := range cfg.Platforms {
		pl, err := v1.ParsePlatform(p)
		if err != nil || pl.OS == "" || pl.Architecture == "" {
			return nil, usageErr("--platform %q: want os/arch[/variant], e.g. linux/arm64", p)
		}
		o.Platforms = append(o.Platforms, *pl)
	}
	iopt.chain = registryauth.DefaultKeychain(ctx)
	var kc authn.Keychain = iopt.chain
	o.Open = image.OpenOptions{Keychain: kc}
	var signRemote []remote.Option
	if g := cfg.Admission; g != nil {
		// The gate judges from scan records and never pulls layers; every
		// registry answer it reads is small.
		cfg.FromCache, cfg.NoBase = true, true
		iopt.Gate = g
		tr := remote.WithTransport(imagegate.LimitResponses(remote.DefaultTransport, cmp.Or(g.MaxResponse, imagegate.DefaultMaxResponse)))
		o.Open.Remote = append(o.Open.Remote, tr)
		signRemote = append(signRemote, tr)
	}
	var memo *imagescan.Memo
	if cfg.Operator {
		cfg.FromCache = true
		iopt.Reverify = cfg.Reverify
		if cfg.Reverify > 0 {
			// Kept a little less than the interval, so the evaluations
			// the interval starts ask again.
			memo = imagescan.NewMemo(cfg.Reverify * 9 / 10)
			o.Memo = memo
		} else {
			o.Offline = "tags are not resolved: " + reverifyNote
		}
	}
	o.RecordsOnly = cfg.FromCache
	o.IgnoreUnfixed = cfg.IgnoreUnfixed || (pol != nil && pol.Vulnerabilities.IgnoreUnfixed)
	if pol != nil {
		applyUnrated(pol, o)
	}

	maxAge := cfg.MaxDBAge
	if pol != nil && pol.Vulnerabilities.MaxDatabaseAge != nil && !cfg.MaxDBAgeSet {
		maxAge = time.Duration(pol.Vulnerabilities.MaxDatabaseAge.Days) * 24 * time.Hour
	}
	dbDir, err := ResolveDBDir(cfg.DBDir)
	if err != nil {
		return nil, err
	}
	if store, err := vulndb.Open(dbDir); err != nil {
		o.DBMissing = err.Error()
	} else {
		o.DB = store
		iopt.Warnings = append(iopt.Warnings, store.Warnings(now, maxAge)...)
	}

	if !cfg.NoCache {
		dir := cfg.CacheDir
		if dir == "" {
			d, err := imagescan.DefaultCacheDir()
			if err != nil {
				return nil, &UsageError{Err: err}
			}
			dir = d
		}
		o.Cache = &imagescan.Cache{Dir: dir}
	} else if cfg.FromCache {
		return nil, usageErr("--images-from-cache reads the cache; it cannot be combined with --no-cache")
	}

	trust, err := LoadTrust(cfg.TrustDir, pol)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	switch {
	case trust == nil:
		o.VerifyMissing = "no trust policy (set images.trustPolicy in the policy file or --trust-policy)"
	case cfg.Operator && cfg.Reverify <= 0:
		o.VerifyMissing = reverifyNote
	default:
		v, err := sign.NewVerifier(trust, sign.Options{Keychain: kc, Remote: signRemote})
		if err != nil {
			return nil, &UsageError{Err: err}
		}
		o.Verify = func(ctx context.Context, repo string, d v1.Hash) (*imagescan.Signature, error) {
			s, err := memo.Do("signature "+repo+"@"+d.String(), func() (any, error) {
				r, err := v.VerifyDigest(ctx, repo, d)
				if err != nil {
					return (*imagescan.Signature)(nil), err
				}
				return &imagescan.Signature{Verified: r.Verified, Reason: r.Reason, Signer: r.Signer, Policy: r.PolicyName}, nil
			})
			return s.(*imagescan.Signature), err
		}
	}

	if !cfg.NoBase {
		var df []byte
		args := map[string]string{}
		if cfg.Dockerfile != "" {
			if df, err = regularfile.Read(cfg.Dockerfile, 1<<20); err != nil {
				return nil, usageErr("--dockerfile: %v", err)
			}
			for _, a := range cfg.BuildArgs {
				k, v, ok := strings.Cut(a, "=")
				if !ok || k == "" {
					return nil, usageErr("--build-arg %q: want NAME=VALUE", a)
				}
				args[k] = v
			}
		}
		o.Base = baseChecker(kc, df, args, now)
	}
	return iopt, nil
}

// AddCredentialWarnings adds what the registry credentials could not do
// (an ACR host pulled anonymously because no Azure credential worked) to
// rep. It is a no-op on nil options or a nil report.
func (iopt *ImageOptions) AddCredentialWarnings(rep *report.Report) {
	if iopt == nil || iopt.chain == nil || rep == nil {
		return
	}
	if err := iopt.chain.Err(); err != nil {
		rep.Warnings = append(rep.Warnings, "registry credentials: "+err.Error())
	}
}

// ResolveDBDir is dir, or the default vulnerability database directory.
func ResolveDBDir(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	d, err := vulndb.DefaultDir()
	if err != nil {
		return "", usageErr("%v (use --db-dir)", err)
	}
	return d, nil
}

// applyUnrated carries out vulnerabilities.unrated: "ignore" leaves
// unrated advisories out of the scan. A severity is the policy's to apply
// (Policy.Severity, to the check declaring that setting).
func applyUnrated(pol *policy.Policy, o *imagescan.Options) {
	if strings.EqualFold(pol.Vulnerabilities.Unrated.Value, policy.UnratedIgnore) {
		o.DropUnrated = true
	}
}

// LoadTrust reads the trust policy from dir (--trust-policy), else the
// policy file's images.trustPolicy; nil when neither is set.
func LoadTrust(dir string, pol *policy.Policy) (*sign.Trust, error) {
	if dir != "" {
		t, err := sign.LoadTrustDir(dir)
		if err != nil {
			return nil, fmt.Errorf("--trust-policy: %w", err)
		}
		return t, nil
	}
	if pol == nil {
		return nil, nil
	}
	ref, err := pol.Images.Trust(pol.Source)
	if err != nil || ref == nil {
		return nil, err
	}
	var t *sign.Trust
	if ref.Inline != nil {
		t, err = sign.NewTrust(ref.Inline, ref.StoreDir)
	} else {
		t, err = sign.LoadTrustDir(ref.Dir)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: images.trustPolicy: %w", ref.Where, err)
	}
	return t, nil
}

func baseChecker(kc authn.Keychain, dockerfile []byte, args map[string]string, now time.Time) imagescan.BaseFunc {
	return func(ctx context.Context, img *image.Image) (*imagescan.Base, error) {
		var ann map[string]string
		if m, err := img.Image.Manifest(); err == nil && m != nil {
			ann = m.Annotations
		}
		b, err := baseimage.Identify(img.Image, ann)
		if errors.Is(err, baseimage.ErrNoBase) {
			b, err = nil, nil
		}
		if err != nil {
			return nil, err
		}
		if b == nil && dockerfile != nil {
			if b, err = baseimage.FromDockerfile(dockerfile, args); err != nil {
				return nil, fmt.Errorf("--dockerfile: %w", err)
			}
		}
		if b == nil {
			return nil, nil
		}
		fr, err := baseimage.Check(ctx, img.Image, *b, baseimage.Options{Keychain: kc, Platform: img.Platform, Now: func() time.Time { return now }})
		if err != nil {
			return nil, err
		}
		return &imagescan.Base{
			Name: b.Name, Source: string(b.Source), Digest: b.Digest, Current: fr.CurrentDigest,
			Stale: fr.Stale, Confirmed: fr.Confirmed, Age: fr.Age, Reason: fr.Reason,
		}, nil
	}
}

// maxTrustFiles bounds the files TrustFiles lists.
const maxTrustFiles = 1000

// TrustFiles are the files and directories the trust policy in force is
// read from (--trust-policy DIR, else the policy's images.trustPolicy
// directory or trustStore), for a process that reloads when they change.
// An inline trust policy is part of the policy file itself.
func TrustFiles(trustDir string, pol *policy.Policy) []string {
	dirs := []string{trustDir}
	if trustDir == "" && pol != nil {
		ref, err := pol.Images.Trust(pol.Source)
		if err != nil || ref == nil {
			return nil
		}
		dirs = []string{ref.Dir, ref.StoreDir}
	}
	var out []string
	for _, d := range dirs {
		if d == "" {
			continue
		}
		// A Kubernetes volume holds symlinks into a directory the kubelet
		// swaps: the walk lists the links, and a stat through them sees
		// the new files.
		_ = filepath.WalkDir(d, func(p string, _ fs.DirEntry, err error) error {
			if len(out) >= maxTrustFiles {
				return filepath.SkipAll
			}
			out = append(out, p)
			return nil
		})
	}
	return out
}
