package baseimage

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// resolved is one base version as the registry has it.
type resolved struct {
	top      v1.Hash // what the reference resolved to (index or manifest)
	platform v1.Hash // the platform manifest
	diffIDs  []v1.Hash
	created  time.Time
}

// matches accepts either digest because build tools record whichever they
// saw: the index for a multi-arch tag, or the platform manifest.
func (r *resolved) matches(d string) bool {
	return d == r.top.String() || d == r.platform.String()
}

// resolveCurrent finds what tag points to now. HEAD comes first because
// registries such as Docker Hub do not count it against pull limits and it
// names the digest atomically; the manifests are then read by that digest so
// a concurrent re-tag cannot mix two versions.
func resolveCurrent(tag name.Tag, plat v1.Platform, ropts []remote.Option) (*resolved, error) {
	desc, err := remote.Head(tag, ropts...)
	if err != nil && retryWithGet(err) {
		var d *remote.Descriptor
		if d, err = remote.Get(tag, ropts...); err == nil {
			desc = &d.Descriptor
		}
	}
	if err != nil {
		return nil, err
	}
	return resolveDescriptor(tag.Context().Digest(desc.Digest.String()), *desc, plat, ropts)
}

// retryWithGet tells apart registries that answer HEAD badly (405, missing
// Content-Type or digest headers), for which GET is the fallback, from
// answers GET would only repeat: no network, no access, no such tag.
func retryWithGet(err error) bool {
	var terr *transport.Error
	if errors.As(err, &terr) {
		switch terr.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusTooManyRequests:
			return false
		}
		return true
	}
	var uerr *url.Error
	var nerr net.Error
	return !errors.As(err, &uerr) && !errors.As(err, &nerr) &&
		!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// resolveDigest reads a base version by digest, the way the build saw it.
func resolveDigest(repo name.Repository, digest string, p v1.Platform, ropts []remote.Option) (*resolved, error) {
	ref := repo.Digest(digest)
	d, err := remote.Get(ref, ropts...)
	if err != nil {
		return nil, err
	}
	return resolveDescriptor(ref, d.Descriptor, p, ropts)
}

func resolveDescriptor(ref name.Digest, desc v1.Descriptor, p v1.Platform, ropts []remote.Option) (*resolved, error) {
	out := &resolved{top: desc.Digest, platform: desc.Digest}
	var img v1.Image
	switch {
	case desc.MediaType.IsIndex():
		idx, err := remote.Index(ref, ropts...)
		if err != nil {
			return nil, err
		}
		im, err := idx.IndexManifest()
		if err != nil {
			return nil, err
		}
		var avail []string
		found := false
		for _, m := range im.Manifests {
			if m.Platform == nil || !m.MediaType.IsImage() {
				continue
			}
			avail = append(avail, m.Platform.String())
			if m.Platform.Satisfies(p) {
				out.platform, found = m.Digest, true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%s has no manifest for %s (has: %s)", ref, p.String(), strings.Join(avail, ", "))
		}
		if img, err = idx.Image(out.platform); err != nil {
			return nil, err
		}
	case desc.MediaType.IsImage():
		var err error
		if img, err = remote.Image(ref, ropts...); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%s is a %s, not an image", ref, desc.MediaType)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	out.diffIDs = cf.RootFS.DiffIDs
	// Reproducible builds stamp the epoch (or nothing); that is not a date.
	if cf.Created.Unix() > 0 {
		out.created = cf.Created.UTC()
	}
	return out, nil
}

// isLayerPrefix reports whether base's layers are the bottom of the image's.
// An empty base proves nothing, so it never counts as a prefix.
func isLayerPrefix(base, img []v1.Hash) bool {
	return len(base) > 0 && sharedPrefix(base, img) == len(base)
}

func sharedPrefix(a, b []v1.Hash) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
