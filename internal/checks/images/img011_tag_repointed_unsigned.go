package images

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// IMG-011 reads the drift record: the tag's current digest, when it is not
// the deployed one, verified against the trust policy.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "IMG-011", Title: "Tag re-pointed to an unsigned image", Severity: finding.SeverityHigh, Area: "supply-chain",
			Description: "The tag a workload was deployed from now points to a digest that does not verify against the trust policy. " +
				"The next pod restart, scale-out or node replacement that pulls by tag runs that image: someone pushed an image outside the signing pipeline, or the registry was tampered with.",
			Remediation: "Find who pushed the digest (ACR: az acr repository show-manifests, the registry's audit logs) and restore the tag to a signed image. " +
				"Deploy by digest (image: repo:tag@sha256:...) so a moved tag cannot change what runs, lock release tags (az acr repository update --write-enabled false) and verify signatures at admission.",
			Controls:     check.Controls{ASB: []string{"DS-6", "AM-5"}, Practice: "registry"},
			Kinds:        []string{imagescan.Kind},
			Sources:      []check.Source{check.Images},
			ImageAspects: []string{imagescan.AspectDrift, imagescan.AspectSignature},
		},
		Eval: func(_ *check.Context, obj *inventory.Object, r *check.Report) {
			res := result(obj, imagescan.AspectDrift)
			if res == nil || !res.Drift.Moved() || res.Drift.CurrentSignature == nil || res.Drift.CurrentSignature.Verified {
				return
			}
			d := res.Drift
			r.Fail(field.NewPath("drift", "current"), res.Ref, "tag %s now points to %s, which does not verify (%s); the workload runs %s",
				d.Tag, d.Current, d.CurrentSignature.Reason, d.Deployed)
		},
	})
}
