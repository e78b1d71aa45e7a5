package scan

import (
	"context"
	"time"

	"github.com/bulwark-sec/bulwark/internal/registryauth"
	"github.com/bulwark-sec/bulwark/internal/sign"
)

// Verdict is the outcome of verifying one image's signature (`verify
// image`, one line or JSON object each).
type Verdict struct {
	Reference  string   `json:"reference"`
	Repository string   `json:"repository,omitempty"`
	Digest     string   `json:"digest,omitempty"`
	Verified   bool     `json:"verified"`
	Reason     string   `json:"reason,omitempty"`
	Signer     string   `json:"signer,omitempty"`
	Policy     string   `json:"policy,omitempty"`
	Level      string   `json:"level,omitempty"`
	SignedAt   string   `json:"signedAt,omitempty"`
	Warnings   []string `json:"warnings,omitempty"`
	// Error says why the signature could not be checked at all.
	Error string `json:"error,omitempty"`
}

// VerifyImages verifies each reference's Notary Project signature against
// the trust policy of trustDir, else of the policy file's
// images.trustPolicy (policyFile, or the one found as a scan finds it).
// An error is a UsageError: no verifier could be set up. An image whose
// signature could not be checked has its Verdict.Error set.
func VerifyImages(ctx context.Context, refs []string, trustDir, policyFile string) ([]Verdict, error) {
	pol, err := FindPolicy(policyFile)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	trust, err := LoadTrust(trustDir, pol)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	if trust == nil {
		return nil, usageErr("no trust policy: give --trust-policy DIR or set images.trustPolicy in the policy file")
	}
	v, err := sign.NewVerifier(trust, sign.Options{Keychain: registryauth.DefaultKeychain(ctx)})
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	out := make([]Verdict, 0, len(refs))
	for _, ref := range refs {
		r, err := v.Verify(ctx, ref)
		vd := Verdict{Reference: ref, Repository: r.Repository, Digest: r.Digest, Verified: r.Verified, Reason: r.Reason, Signer: r.Signer,
			Policy: r.PolicyName, Level: r.Level, Warnings: r.Warnings}
		if !r.SignedAt.IsZero() {
			vd.SignedAt = r.SignedAt.UTC().Format(time.RFC3339)
		}
		if err != nil {
			vd.Verified, vd.Error = false, err.Error()
		}
		out = append(out, vd)
	}
	return out, nil
}
