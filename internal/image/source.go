// Package image opens container images from a registry, an OCI layout
// directory or a docker/OCI tarball and builds a package inventory from their
// layers (dpkg, apk and Go binaries) with per-layer attribution.
package image

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// DefaultPlatform is used to pick a manifest out of an index when no platform
// is given.
var DefaultPlatform = v1.Platform{OS: "linux", Architecture: "amd64"}

// Kind tells where an image came from.
type Kind string

// Image source kinds.
const (
	KindRemote Kind = "registry"
	KindLayout Kind = "oci-layout"
	KindTar    Kind = "tarball"
)

// OpenOptions configures Open.
type OpenOptions struct {
	// Platform selects the manifest from an index. Zero value = DefaultPlatform.
	Platform *v1.Platform
	// Keychain for registry auth; nil = authn.DefaultKeychain.
	Keychain authn.Keychain
	// Remote are extra options for registry access (transport, retry ...).
	Remote []remote.Option
	// NameOptions for reference parsing (e.g. name.Insecure for plain HTTP).
	NameOptions []name.Option
	// MaxArchiveEntries bounds the members of an image tarball (default
	// DefaultMaxArchiveEntries).
	MaxArchiveEntries int
}

// DefaultMaxArchiveEntries bounds the members of an image tarball: a few
// per layer in real archives.
const DefaultMaxArchiveEntries = 100_000

// Image is an opened, platform-resolved image.
type Image struct {
	Kind Kind
	// Reference as given by the caller (or the path).
	Reference string
	// Digest of the platform image manifest.
	Digest v1.Hash
	// IndexDigest is set when the reference pointed at an index.
	IndexDigest *v1.Hash
	Platform    *v1.Platform
	Image       v1.Image

	cleanup func()
}

// Close releases temporary resources (an extracted OCI-layout tarball).
func (i *Image) Close() error {
	if i != nil && i.cleanup != nil {
		i.cleanup()
		i.cleanup = nil
	}
	return nil
}

func (o OpenOptions) platform() v1.Platform {
	if o.Platform != nil {
		return *o.Platform
	}
	return DefaultPlatform
}

// Open opens ref. An existing directory is read as an OCI layout, an existing
// file as a docker-archive or OCI-layout tarball, anything else as a registry
// reference (tags are resolved to digests).
func Open(ctx context.Context, ref string, opts OpenOptions) (*Image, error) {
	if st, err := os.Stat(ref); err == nil {
		if st.IsDir() {
			return OpenLayout(ref, opts)
		}
		if !st.Mode().IsRegular() {
			// A FIFO or device would block the open or never end.
			return nil, fmt.Errorf("%s is not a regular file, directory or registry reference", ref)
		}
		return OpenTarball(ctx, ref, opts)
	}
	return OpenRemote(ctx, ref, opts)
}

// ErrNoPlatform is returned (wrapped) when an index has no manifest for the
// wanted platform.
var ErrNoPlatform = errors.New("no manifest for platform")

// OpenAll opens ref once per wanted platform. A single-platform image is
// returned as it is, whatever its platform; an index gives one image per
// wanted platform it holds and an error when it holds none of them.
func OpenAll(ctx context.Context, ref string, opts OpenOptions, want []v1.Platform) ([]*Image, error) {
	if len(want) == 0 {
		want = []v1.Platform{DefaultPlatform}
	}
	var (
		out    []*Image
		missed []error
	)
	for i, p := range want {
		o := opts
		o.Platform = &p
		img, err := Open(ctx, ref, o)
		if errors.Is(err, ErrNoPlatform) {
			missed = append(missed, err)
			continue
		}
		if err != nil {
			for _, m := range out {
				m.Close()
			}
			return nil, err
		}
		out = append(out, img)
		if i == 0 && img.IndexDigest == nil {
			return out, nil // not an index: the platform list does not apply
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: %w", ref, errors.Join(missed...))
	}
	return out, nil
}

// OpenRemote resolves ref in its registry and returns the platform image.
func OpenRemote(ctx context.Context, ref string, opts OpenOptions) (*Image, error) {
	r, err := name.ParseReference(ref, opts.NameOptions...)
	if err != nil {
		return nil, fmt.Errorf("parse reference %q: %w", ref, err)
	}
	kc := opts.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	plat := opts.platform()
	ropts := append([]remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(kc), remote.WithPlatform(plat)}, opts.Remote...)
	desc, err := remote.Get(r, ropts...)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", ref, err)
	}
	out := &Image{Kind: KindRemote, Reference: ref}
	if desc.MediaType.IsIndex() {
		d := desc.Digest
		out.IndexDigest = &d
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, fmt.Errorf("read index %s: %w", ref, err)
		}
		img, p, err := pickFromIndex(idx, plat)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ref, err)
		}
		out.Image, out.Platform = img, p
	} else {
		img, err := desc.Image()
		if err != nil {
			return nil, fmt.Errorf("read image %s: %w", ref, err)
		}
		out.Image = img
	}
	if err := out.fill(); err != nil {
		return nil, err
	}
	return out, nil
}

// OpenLayout opens an OCI image layout directory. The first manifest of
// index.json is used; when it (or the top level) is an index the platform is
// picked from it.
func OpenLayout(dir string, opts OpenOptions) (*Image, error) {
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("open OCI layout %s: %w", dir, err)
	}
	out := &Image{Kind: KindLayout, Reference: dir}
	img, p, idxDigest, err := resolveLayoutIndex(idx, opts.platform(), 0)
	if err != nil {
		return nil, fmt.Errorf("OCI layout %s: %w", dir, err)
	}
	out.Image, out.Platform, out.IndexDigest = img, p, idxDigest
	if err := out.fill(); err != nil {
		return nil, err
	}
	return out, nil
}

func resolveLayoutIndex(idx v1.ImageIndex, plat v1.Platform, depth int) (v1.Image, *v1.Platform, *v1.Hash, error) {
	if depth > 4 {
		return nil, nil, nil, errors.New("index nesting too deep")
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, nil, nil, err
	}
	if len(im.Manifests) == 0 {
		return nil, nil, nil, errors.New("index has no manifests")
	}
	// Top-level layout index: a single entry that is itself an index or an
	// image, or several platform images.
	if len(im.Manifests) == 1 || depth > 0 {
		d := im.Manifests[0]
		if d.MediaType.IsIndex() {
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return nil, nil, nil, err
			}
			img, p, _, err := resolveLayoutIndex(child, plat, depth+1)
			h := d.Digest
			return img, p, &h, err
		}
		if len(im.Manifests) == 1 {
			img, err := idx.Image(d.Digest)
			return img, d.Platform, nil, err
		}
	}
	img, p, err := pickFromIndex(idx, plat)
	return img, p, nil, err
}

func pickFromIndex(idx v1.ImageIndex, plat v1.Platform) (v1.Image, *v1.Platform, error) {
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, nil, err
	}
	var avail []string
	for _, d := range im.Manifests {
		if !d.MediaType.IsImage() || d.Platform == nil {
			continue
		}
		avail = append(avail, d.Platform.String())
		if d.Platform.Satisfies(plat) {
			img, err := idx.Image(d.Digest)
			if err != nil {
				return nil, nil, err
			}
			p := *d.Platform
			return img, &p, nil
		}
	}
	return nil, nil, fmt.Errorf("%w %s in index (available: %s)", ErrNoPlatform, plat.String(), strings.Join(avail, ", "))
}

// OpenTarball opens a docker-archive ("docker save") tarball, or an OCI
// layout packed into a tar (index.json + oci-layout + blobs/), in place:
// nothing is extracted (see archive.go). Close releases the file.
func OpenTarball(ctx context.Context, path string, opts OpenOptions) (*Image, error) {
	a, err := openArchive(ctx, path, opts)
	if err != nil {
		return nil, fmt.Errorf("read tarball %s: %w", path, err)
	}
	out, err := openArchiveImage(ctx, a, path, opts)
	if err != nil {
		a.Close()
		return nil, err
	}
	out.Kind, out.Reference = KindTar, path
	out.cleanup = func() { a.Close() }
	return out, nil
}

func openArchiveImage(ctx context.Context, a *archive, path string, opts OpenOptions) (*Image, error) {
	if _, ok := a.entry("manifest.json"); ok {
		img, err := a.dockerImage(ctx)
		if err != nil {
			return nil, fmt.Errorf("open docker tarball %s: %w", path, err)
		}
		out := &Image{Image: img}
		return out, out.fill()
	}
	if _, ok := a.entry("index.json"); !ok {
		return nil, fmt.Errorf("%s: neither manifest.json nor index.json found (not an image archive, or a truncated one)", path)
	}
	raw, err := a.readSmall("index.json")
	if err != nil {
		return nil, fmt.Errorf("OCI tarball %s: %w", path, err)
	}
	out := &Image{}
	img, p, idxDigest, err := resolveLayoutIndex(&layoutIndex{a: a, raw: raw}, opts.platform(), 0)
	if err != nil {
		return nil, fmt.Errorf("OCI tarball %s: %w", path, err)
	}
	out.Image, out.Platform, out.IndexDigest = img, p, idxDigest
	return out, out.fill()
}

func (i *Image) fill() error {
	d, err := i.Image.Digest()
	if err != nil {
		return fmt.Errorf("image digest: %w", err)
	}
	i.Digest = d
	if i.Platform == nil {
		if cf, err := i.Image.ConfigFile(); err == nil && cf != nil && cf.OS != "" {
			p := cf.Platform()
			i.Platform = p
		}
	}
	return nil
}
