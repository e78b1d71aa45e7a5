package baseimage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/bulwark-sec/bulwark/internal/image"
)

// Options configures Check.
type Options struct {
	// Keychain for registry auth; nil means authn.DefaultKeychain.
	Keychain authn.Keychain
	// Remote are extra registry options (transport, retry ...), applied last.
	Remote []remote.Option
	// NameOptions for parsing the base reference (e.g. name.Insecure).
	NameOptions []name.Option
	// Platform picks the base manifest out of an index; nil means the
	// image's own platform from its config, else image.DefaultPlatform.
	Platform *v1.Platform
	// Now is the clock for Age; nil means time.Now.
	Now func() time.Time
}

// Freshness is the verdict on one image's base.
type Freshness struct {
	Base Base
	// CurrentDigest is what the base's tag points to now (index or manifest).
	CurrentDigest string
	// CurrentPlatformDigest is the platform manifest picked from the current
	// index; equal to CurrentDigest for a single-platform base.
	CurrentPlatformDigest string
	// Stale means a newer base exists than the one the image was built on.
	Stale bool
	// Confirmed means layer evidence backs the verdict, not just digests.
	Confirmed bool
	Reason    string
	// BaseCreated is the creation time of the base the image was built on
	// (when it could be fetched), CurrentCreated that of the current base.
	// Either is zero when unknown or set to the epoch by a reproducible build.
	BaseCreated    time.Time
	CurrentCreated time.Time
	// Age is how long a newer base has existed (Now - CurrentCreated) when
	// Stale and CurrentCreated is known.
	Age time.Duration
}

// ErrNoTag means the base is pinned by digest without a tag, so there is no
// moving reference whose current state could be compared.
var ErrNoTag = errors.New("base is pinned by digest without a tag: nothing to compare against")

// Check decides whether img was built on the current version of base.
// Registry failures are returned as errors rather than folded into a
// verdict: an unreachable registry says nothing about staleness.
func Check(ctx context.Context, img v1.Image, base Base, opts Options) (*Freshness, error) {
	out := &Freshness{Base: base}
	if strings.EqualFold(base.Name, Scratch) {
		out.Confirmed = true
		out.Reason = "built FROM scratch: there is no base image to update"
		return out, nil
	}
	tag, pinned, err := splitBaseRef(base.Name, opts.NameOptions)
	if err != nil {
		return nil, err
	}
	recorded := base.Digest
	if recorded == "" {
		recorded = pinned
	}
	appCfg, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("read image config: %w", err)
	}
	plat := opts.platform(appCfg)
	ropts := append([]remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(opts.keychain()), remote.WithPlatform(plat)}, opts.Remote...)

	cur, err := resolveCurrent(tag, plat, ropts)
	if err != nil {
		return nil, fmt.Errorf("resolve base %s: %w", tag, err)
	}
	out.CurrentDigest, out.CurrentPlatformDigest = cur.top.String(), cur.platform.String()
	out.CurrentCreated = cur.created
	app := appCfg.RootFS.DiffIDs
	currentIn := isLayerPrefix(cur.diffIDs, app)

	switch {
	case currentIn:
		out.Confirmed, out.BaseCreated = true, cur.created
		out.Reason = "up to date (confirmed): the current base's layers are the bottom of the image"
		if recorded != "" && !cur.matches(recorded) {
			out.Reason = fmt.Sprintf("up to date (confirmed): %s moved from %s to %s, but the image already contains the new base's layers", tag, short(recorded), short(cur.top.String()))
		}
	case recorded == "":
		out.Stale = true
		out.Reason = fmt.Sprintf("stale: the layers of the current %s (%s) are not the bottom of the image (%d of the base's %d layers match); no base digest recorded, so not confirmed",
			tag, short(cur.top.String()), sharedPrefix(cur.diffIDs, app), len(cur.diffIDs))
	case cur.matches(recorded):
		out.BaseCreated = cur.created
		out.Reason = "up to date by digest: the recorded base digest is current, but its layers are not the bottom of the image (squashed or rebased?)"
	default:
		out.Stale = true
		out.Reason = staleByDigest(out, tag, recorded, cur, app, plat, ropts)
	}
	if out.Stale && !out.CurrentCreated.IsZero() {
		if age := opts.now().Sub(out.CurrentCreated); age > 0 {
			out.Age = age
		}
	}
	return out, nil
}

// staleByDigest handles a moved tag: fetching the recorded base is only
// for confirmation, so its failure weakens the verdict instead of failing it.
func staleByDigest(out *Freshness, tag name.Tag, recorded string, cur *resolved, app []v1.Hash, p v1.Platform, ropts []remote.Option) string {
	moved := fmt.Sprintf("built on %s; %s now points to %s", short(recorded), tag, short(cur.top.String()))
	old, err := resolveDigest(tag.Context(), recorded, p, ropts)
	if err != nil {
		return fmt.Sprintf("stale: %s (the old base could not be fetched to confirm by layers: %v)", moved, err)
	}
	out.BaseCreated = old.created
	if isLayerPrefix(old.diffIDs, app) {
		out.Confirmed = true
		return fmt.Sprintf("stale (confirmed): %s; the image contains the old base's layers, not the new ones", moved)
	}
	return fmt.Sprintf("stale: %s; neither the old nor the current base's layers are the bottom of the image", moved)
}

func (o Options) keychain() authn.Keychain {
	if o.Keychain != nil {
		return o.Keychain
	}
	return authn.DefaultKeychain
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o Options) platform(cf *v1.ConfigFile) v1.Platform {
	if o.Platform != nil {
		return *o.Platform
	}
	if cf != nil && cf.OS != "" && cf.Architecture != "" {
		return v1.Platform{OS: cf.OS, Architecture: cf.Architecture, Variant: cf.Variant}
	}
	return image.DefaultPlatform
}

// splitBaseRef separates a tag from a pinned digest (alpine:3.20@sha256:…),
// the Renovate style, where the tag is what tracks updates.
func splitBaseRef(ref string, opts []name.Option) (name.Tag, string, error) {
	n, pinned, hasDigest := strings.Cut(ref, "@")
	if hasDigest {
		if _, err := v1.NewHash(pinned); err != nil {
			return name.Tag{}, "", fmt.Errorf("base %q: bad digest: %w", ref, err)
		}
		if !strings.Contains(lastPathElem(n), ":") {
			return name.Tag{}, "", fmt.Errorf("base %q: %w", ref, ErrNoTag)
		}
	}
	tag, err := name.NewTag(n, opts...)
	if err != nil {
		return name.Tag{}, "", fmt.Errorf("base %q is not a valid image reference: %w", ref, err)
	}
	return tag, pinned, nil
}

func short(d string) string {
	if alg, hex, ok := strings.Cut(d, ":"); ok && len(hex) > 12 {
		return alg + ":" + hex[:12]
	}
	return d
}
