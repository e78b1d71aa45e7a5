package sign

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/notaryproject/notation-go"
	"github.com/notaryproject/notation-go/verifier/trustpolicy"
)

// Result is the verdict for one image.
type Result struct {
	// Reference as given by the caller (repository@digest for VerifyDigest).
	Reference string
	// Repository is the fully qualified repository (registry/path).
	Repository string
	// Digest that was verified ("sha256:..."). Empty only for a tag
	// reference that needed no registry access (no statement applies, or
	// the level is skip).
	Digest string
	// Verified is true only when integrity and authenticity were both
	// enforced by the trust policy level and passed. Audit level (and any
	// override that only logs authenticity) never yields true.
	Verified bool
	// Reason is a sentence explaining the verdict.
	Reason string
	// Warnings lists checks that failed but were only logged by the level
	// (permissive, audit, overrides) and other caveats.
	Warnings []string
	// Signer is the subject DN of the signing certificate of the reported
	// signature. When Verified is false this is only the claimed signer.
	Signer string
	// PolicyName and Level name the applicable trust policy statement.
	PolicyName string
	Level      string
	// SignedAt is the signing time claimed in the signature.
	SignedAt time.Time
	// Cached is true when the verdict came from the cache.
	Cached bool
}

// levelText names the level in messages, including overrides, because
// "strict" alone would hide an "authenticity": "log" override.
func levelText(p *trustpolicy.TrustPolicy) string {
	sv := p.SignatureVerification
	if len(sv.Override) == 0 {
		return sv.VerificationLevel
	}
	var o []string
	for k, a := range sv.Override {
		o = append(o, string(k)+"="+string(a))
	}
	slices.Sort(o)
	return sv.VerificationLevel + " (override " + strings.Join(o, ", ") + ")"
}

// attempt is the judgement of one signature.
type attempt struct {
	verified   bool // integrity and authenticity enforced and passed
	unenforced bool // notation passed it, but authenticity was only logged
	transient  bool // may pass on retry (revocation check): not cached
	reason     string
	warnings   []string
	signer     string
	signedAt   time.Time
	validUntil time.Time // earliest certificate or signature expiry
}

// judge turns notation's outcome into a verdict. notation reports success
// for any level whose enforced checks passed; we additionally require that
// integrity and authenticity were among the enforced ones.
func judge(o *notation.VerificationOutcome, err error, policy, level string) attempt {
	var a attempt
	if o != nil && o.EnvelopeContent != nil {
		si := o.EnvelopeContent.SignerInfo
		if len(si.CertificateChain) > 0 {
			a.signer = si.CertificateChain[0].Subject.String()
		}
		a.signedAt = si.SignedAttributes.SigningTime
		a.validUntil = si.SignedAttributes.Expiry
		for _, c := range si.CertificateChain {
			if a.validUntil.IsZero() || c.NotAfter.Before(a.validUntil) {
				a.validUntil = c.NotAfter
			}
		}
	}
	if err != nil || o == nil || o.VerificationLevel == nil {
		if err == nil {
			err = errors.New("no verification outcome")
		}
		a.reason, a.transient = failureReason(o, err, a.signer, policy)
		return a
	}
	var authFailure string
	for _, r := range o.VerificationResults {
		if r.Error == nil || r.Action != trustpolicy.ActionLog {
			continue
		}
		d := describe(r, a.signer, policy)
		if r.Type == trustpolicy.TypeAuthenticity {
			authFailure = d
		}
		a.warnings = append(a.warnings, fmt.Sprintf("%s (logged only, level %s)", d, level))
	}
	enf := o.VerificationLevel.Enforcement
	if enf[trustpolicy.TypeIntegrity] != trustpolicy.ActionEnforce || enf[trustpolicy.TypeAuthenticity] != trustpolicy.ActionEnforce {
		a.unenforced = true
		if authFailure != "" {
			a.reason = fmt.Sprintf("%s (trust policy level %s only logs authenticity failures)", authFailure, level)
		} else {
			a.reason = fmt.Sprintf("trust policy level %s does not enforce signature authenticity, so the signature is not treated as verified", level)
		}
		return a
	}
	a.verified = true
	a.reason = fmt.Sprintf("signature verified: signed by trusted identity %q (trust policy statement %q, level %s)", a.signer, policy, level)
	return a
}

func failureReason(o *notation.VerificationOutcome, err error, signer, policy string) (reason string, transient bool) {
	if o != nil {
		for _, r := range o.VerificationResults {
			if r.Error != nil && r.Action == trustpolicy.ActionEnforce {
				// Revocation failures are often an unreachable OCSP/CRL
				// server; never cache them.
				return describe(r, signer, policy), r.Type == trustpolicy.TypeRevocation
			}
		}
		if o.Error != nil && strings.Contains(o.Error.Error(), "content descriptor mismatch") {
			return "signature was made for a different artifact (content descriptor mismatch)", false
		}
	}
	var inc notation.VerificationInconclusiveError
	if errors.As(err, &inc) {
		return "signature verification inconclusive: " + inc.Msg, false
	}
	return "signature verification failed: " + err.Error(), false
}

func describe(r *notation.ValidationResult, signer, policy string) string {
	msg := r.Error.Error()
	switch r.Type {
	case trustpolicy.TypeIntegrity:
		return "signature integrity check failed: " + msg
	case trustpolicy.TypeAuthenticity:
		// notation prints the parsed identities as Go maps; name the
		// signer and the statement instead.
		if strings.Contains(msg, "does not match the X.509 trusted identities") && signer != "" {
			msg = fmt.Sprintf("signing certificate %q matches none of the trustedIdentities of trust policy statement %q", signer, policy)
		}
		return "signature not from a trusted identity: " + msg
	case trustpolicy.TypeAuthenticTimestamp:
		switch {
		case strings.Contains(msg, "expired"):
			return "certificate expired: " + msg
		case strings.Contains(msg, "will be valid from"):
			return "certificate not yet valid: " + msg
		}
		return "signature timestamp check failed: " + msg
	case trustpolicy.TypeExpiry:
		return "signature expired: " + msg
	case trustpolicy.TypeRevocation:
		return "certificate revocation check failed: " + msg
	}
	return string(r.Type) + " check failed: " + msg
}
