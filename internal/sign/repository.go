package sign

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/notaryproject/notation-go/registry"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// The same read limits notation-go's own repository applies: a signature
// manifest is tiny and an envelope holds one certificate chain, so larger
// objects are hostile or broken.
const (
	MaxSignatureManifestBytes = 4 << 20
	MaxSignatureEnvelopeBytes = 32 << 20
)

// The legacy ORAS artifact manifest: notation-go v1.x still reads
// signatures stored this way, so we do too.
const mediaTypeArtifactManifest = "application/vnd.oci.artifact.manifest.v1+json"

// ErrReadOnly is returned by Repository.PushSignature: the scanner only
// verifies.
var ErrReadOnly = errors.New("sign: repository is read-only")

// Repository implements notation-go's registry.Repository on top of
// go-containerregistry. One Repository shares one remote.Puller, so the
// resolve, referrers, manifest and blob requests of a verification reuse a
// single authenticated transport (one token exchange, not four).
type Repository struct {
	repo   name.Repository
	puller *remote.Puller
}

var _ registry.Repository = (*Repository)(nil)

// tagPattern is the OCI distribution tag grammar.
var tagPattern = regexp.MustCompile(`^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$`)

// NewRepository returns a read-only Repository for repo. opts carry
// authentication and transport (remote.WithAuthFromKeychain, ...).
func NewRepository(repo name.Repository, opts ...remote.Option) (*Repository, error) {
	p, err := remote.NewPuller(opts...)
	if err != nil {
		return nil, err
	}
	return &Repository{repo: repo, puller: p}, nil
}

// Resolve resolves a tag or a digest ("sha256:...") to the manifest
// descriptor. A HEAD request is tried first (cheap, and not counted by
// Docker Hub's pull limits); GET is the fallback for registries whose HEAD
// responses lack the digest or type headers.
func (r *Repository) Resolve(ctx context.Context, reference string) (ocispec.Descriptor, error) {
	var ref name.Reference
	if _, err := v1.NewHash(reference); err == nil {
		ref = r.repo.Digest(reference)
	} else {
		if !tagPattern.MatchString(reference) {
			return ocispec.Descriptor{}, fmt.Errorf("invalid tag or digest %q", reference)
		}
		// Repository.Tag keeps the registry's name options (insecure, ...),
		// which re-parsing a string would lose.
		ref = r.repo.Tag(reference)
	}
	d, err := r.puller.Head(ctx, ref)
	if err != nil {
		var terr *transport.Error
		if errors.As(err, &terr) || ctx.Err() != nil || isNetError(err) {
			return ocispec.Descriptor{}, err
		}
		gd, gerr := r.puller.Get(ctx, ref)
		if gerr != nil {
			return ocispec.Descriptor{}, gerr
		}
		d = &gd.Descriptor
	}
	return toOCI(*d), nil
}

// ListSignatures lists Notation signature manifests that refer to desc. It
// uses the OCI referrers API and falls back to the "sha256-<hex>" referrers
// tag when the registry has no such API. All signatures are passed to fn in
// one call.
func (r *Repository) ListSignatures(ctx context.Context, desc ocispec.Descriptor, fn func(signatureManifests []ocispec.Descriptor) error) error {
	sigs, err := r.signatures(ctx, desc)
	if err != nil {
		return err
	}
	return fn(sigs)
}

func (r *Repository) signatures(ctx context.Context, desc ocispec.Descriptor) ([]ocispec.Descriptor, error) {
	idx, err := remote.Referrers(r.repo.Digest(desc.Digest.String()),
		remote.Reuse(r.puller), remote.WithContext(ctx),
		remote.WithFilter("artifactType", registry.ArtifactTypeNotation))
	if err != nil {
		return nil, err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var out []ocispec.Descriptor
	for _, m := range im.Manifests {
		// The filter above is client-side in ggcr; repeat it so the
		// invariant does not depend on that detail.
		if m.ArtifactType == registry.ArtifactTypeNotation {
			out = append(out, toOCI(m))
		}
	}
	return out, nil
}

// FetchSignatureBlob fetches the signature manifest desc and its single
// envelope layer. Problems with the signature's own content (too large, not
// exactly one layer, digest mismatch, gone) are returned as
// *SignatureContentError so callers can tell a bad signature from a registry
// that cannot be reached.
func (r *Repository) FetchSignatureBlob(ctx context.Context, desc ocispec.Descriptor) ([]byte, ocispec.Descriptor, error) {
	bad := func(format string, a ...any) ([]byte, ocispec.Descriptor, error) {
		return nil, ocispec.Descriptor{}, &SignatureContentError{Digest: desc.Digest.String(), Msg: fmt.Sprintf(format, a...)}
	}
	if desc.MediaType != ocispec.MediaTypeImageManifest && desc.MediaType != mediaTypeArtifactManifest {
		return bad("unsupported signature manifest media type %q", desc.MediaType)
	}
	if desc.Size > MaxSignatureManifestBytes {
		return bad("signature manifest too large: %d bytes", desc.Size)
	}
	md, err := r.puller.Get(ctx, r.repo.Digest(desc.Digest.String()))
	if err != nil {
		if isNotFound(err) {
			return bad("signature manifest is listed but missing: %v", err)
		}
		return nil, ocispec.Descriptor{}, err
	}
	if len(md.Manifest) > MaxSignatureManifestBytes {
		return bad("signature manifest too large: %d bytes", len(md.Manifest))
	}
	var m struct {
		Layers []ocispec.Descriptor `json:"layers"`
		Blobs  []ocispec.Descriptor `json:"blobs"`
	}
	if err := json.Unmarshal(md.Manifest, &m); err != nil {
		return bad("signature manifest is not valid JSON: %v", err)
	}
	blobs := m.Layers
	if desc.MediaType == mediaTypeArtifactManifest {
		blobs = m.Blobs
	}
	if len(blobs) != 1 {
		return bad("signature manifest must have exactly one envelope, has %d", len(blobs))
	}
	env := blobs[0]
	if env.Size < 0 || env.Size > MaxSignatureEnvelopeBytes {
		return bad("signature envelope size %d is outside 0..%d bytes", env.Size, MaxSignatureEnvelopeBytes)
	}
	h, err := v1.NewHash(env.Digest.String())
	if err != nil || h.Algorithm != "sha256" {
		return bad("signature envelope has unsupported digest %q", env.Digest)
	}
	blob, err := r.fetchBlob(ctx, h, env.Size)
	if err != nil {
		var ce *SignatureContentError
		if errors.As(err, &ce) {
			ce.Digest = desc.Digest.String()
		} else if isNotFound(err) {
			return bad("signature envelope is listed but missing: %v", err)
		}
		return nil, ocispec.Descriptor{}, err
	}
	return blob, env, nil
}

func (r *Repository) fetchBlob(ctx context.Context, h v1.Hash, size int64) ([]byte, error) {
	l, err := r.puller.Layer(ctx, r.repo.Digest(h.String()))
	if err != nil {
		return nil, err
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// Read one byte past the declared size to catch a registry serving more
	// than the manifest promised, and check the digest ourselves because
	// ggcr only verifies it when the stream is read to EOF.
	data, err := io.ReadAll(io.LimitReader(rc, size+1))
	if err != nil && !isDigestMismatch(err) {
		return nil, err
	}
	sum := sha256.Sum256(data)
	if int64(len(data)) != size || hex.EncodeToString(sum[:]) != h.Hex {
		return nil, &SignatureContentError{Msg: fmt.Sprintf("signature envelope does not match its descriptor (%s, %d bytes)", h, size)}
	}
	return data, nil
}

// PushSignature always fails with ErrReadOnly.
func (r *Repository) PushSignature(context.Context, string, []byte, ocispec.Descriptor, map[string]string) (ocispec.Descriptor, ocispec.Descriptor, error) {
	return ocispec.Descriptor{}, ocispec.Descriptor{}, ErrReadOnly
}

// SignatureContentError reports a signature that exists but cannot be used.
type SignatureContentError struct {
	Digest string // signature manifest digest
	Msg    string
}

func (e *SignatureContentError) Error() string {
	if e.Digest == "" {
		return e.Msg
	}
	return "signature " + e.Digest + ": " + e.Msg
}

func toOCI(d v1.Descriptor) ocispec.Descriptor {
	return ocispec.Descriptor{
		MediaType:    string(d.MediaType),
		Digest:       digest.Digest(d.Digest.String()),
		Size:         d.Size,
		URLs:         d.URLs,
		Annotations:  d.Annotations,
		ArtifactType: d.ArtifactType,
	}
}

func isNotFound(err error) bool {
	var terr *transport.Error
	return errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound
}

// isDigestMismatch recognises ggcr's verify error (an internal type, so
// only its message is available); the sha256 check after it is what
// actually protects us.
func isDigestMismatch(err error) bool {
	return strings.Contains(err.Error(), "error verifying")
}

// isNetError reports transport-level failures (refused, DNS, TLS, reset)
// for which a second request by another method would be pointless.
func isNetError(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne)
}
