package sign_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/sign"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/notaryproject/notation-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

func TestRepositoryReadOnly(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, false)
	r, err := sign.NewRepository(w.repo, remote.WithAuthFromKeychain(anonymous))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.PushSignature(context.Background(), "application/jose+json", []byte("{}"), ocispec.Descriptor{}, nil); !errors.Is(err, sign.ErrReadOnly) {
		t.Fatalf("err = %v", err)
	}
}

// The adapter also works under notation's own high-level Verify.
func TestRepositoryWithNotationVerify(t *testing.T) {
	t.Parallel()
	for _, referrers := range []bool{true, false} {
		w := newWorld(t, referrers, true)
		r, err := sign.NewRepository(w.repo, remote.WithAuthFromKeychain(anonymous))
		if err != nil {
			t.Fatal(err)
		}
		nv := newNotationVerifier(t, loadTrust(t, w.ca, ""))
		desc, outcomes, err := notation.Verify(context.Background(), nv, r, notation.VerifyOptions{ArtifactReference: w.digestRef(), MaxSignatureAttempts: 10})
		if err != nil || desc.Digest.String() != w.dgst.String() || len(outcomes) != 1 {
			t.Fatalf("referrers=%v: %v %v %v", referrers, desc, outcomes, err)
		}
	}
}

func TestRepositoryContentErrors(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true, true)
	desc, m := signatureOf(t, w.repo, w.dgst)
	r, err := sign.NewRepository(w.repo, remote.WithAuthFromKeychain(anonymous))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sigDesc := toOCIDesc(desc)

	if _, bd, err := r.FetchSignatureBlob(ctx, sigDesc); err != nil || bd.MediaType != "application/jose+json" {
		t.Fatalf("valid signature: %v %v", bd, err)
	}
	big := sigDesc
	big.Size = sign.MaxSignatureManifestBytes + 1
	wantContentError(t, r, big, "too large")

	huge := m
	huge.Layers = append([]ocispec.Descriptor(nil), m.Layers...)
	huge.Layers[0].Size = sign.MaxSignatureEnvelopeBytes + 1
	wantContentError(t, r, manifestDesc(t, w, huge), "outside 0..")

	two := m
	two.Layers = []ocispec.Descriptor{m.Layers[0], m.Layers[0]}
	twoDesc := manifestDesc(t, w, two)
	wantContentError(t, r, twoDesc, "exactly one envelope")

	lying := m
	lying.Layers = append([]ocispec.Descriptor(nil), m.Layers...)
	lying.Layers[0].Size--
	wantContentError(t, r, manifestDesc(t, w, lying), "does not match its descriptor")

	wrongType := sigDesc
	wrongType.MediaType = "application/vnd.oci.image.index.v1+json"
	wantContentError(t, r, wrongType, "unsupported signature manifest media type")

	// Through Verify: the good signature still wins, bad ones are reported
	// only when nothing passes.
	res := verify(t, newVerifier(t, loadTrust(t, w.ca, ""), sign.Options{}), w.ref)
	if !res.Verified {
		t.Fatalf("%+v", res)
	}
	if err := remote.Delete(w.repo.Digest(desc.Digest.String())); err != nil {
		t.Fatal(err)
	}
	res = verify(t, newVerifier(t, loadTrust(t, w.ca, ""), sign.Options{}), w.ref)
	wantFailure(t, res, "unusable signature: ")
}

func wantContentError(t *testing.T, r *sign.Repository, d ocispec.Descriptor, want string) {
	t.Helper()
	_, _, err := r.FetchSignatureBlob(context.Background(), d)
	var ce *sign.SignatureContentError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want SignatureContentError containing %q", err, want)
	}
}
