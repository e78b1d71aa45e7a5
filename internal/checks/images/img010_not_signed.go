package images

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// IMG-010 reads the Notation verdict on the digest the workload runs (or
// the reference resolves to): tags are never verified, only digests. It
// needs a trust policy; without one the check is not assessed.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "IMG-010", Title: "Image not signed by a trusted identity", Severity: finding.SeverityHigh, Area: "supply-chain",
			Description: "Only images that verify against the organisation's Notary Project (Notation) trust policy should run: a valid signature from a trusted certificate proves the image was built and approved by the pipeline, and was not replaced in the registry. " +
				"An unsigned image, a signature from an untrusted identity, an expired certificate or a tampered signature all fail.",
			Remediation: "Sign the image by digest in the pipeline after it is scanned, with a key in Azure Key Vault:\n\n" +
				"    notation sign --signature-format cose --id <key-id> --plugin azure-kv myacr.azurecr.io/app@sha256:<digest>\n\n" +
				"and make the trust policy (images.trustPolicy in the Bulwark policy, Notation format) trust that certificate for the repository. " +
				"Enforce it at admission with Ratify/Gatekeeper, Kyverno verifyImages (type Notary) or AKS Image Integrity.",
			Controls:     check.Controls{ASB: []string{"DS-6"}, Practice: "registry"},
			Kinds:        []string{imagescan.Kind},
			Sources:      []check.Source{check.Images},
			ImageAspects: []string{imagescan.AspectSignature},
		},
		Eval: func(_ *check.Context, obj *inventory.Object, r *check.Report) {
			res := result(obj, imagescan.AspectSignature)
			if res == nil || res.Signature == nil || res.Signature.Verified {
				return
			}
			r.Fail(field.NewPath("signature"), res.Ref, "%s@%s does not verify: %s", res.Repository, res.Digest, res.Signature.Reason)
		},
	})
}
