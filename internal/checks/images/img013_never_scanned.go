package images

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// IMG-013 only runs when images are judged from scan records instead of
// being pulled (--images-from-cache): a pull would scan the image then.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "IMG-013", Title: "Image running that was never scanned", Severity: finding.SeverityHigh, Area: "supply-chain",
			Description: "No scan record exists for the digest the workload runs: it did not go through the pipeline that scans images (bulwark scan image writes a record per digest into its cache), or it was rebuilt or re-tagged afterwards. " +
				"Its vulnerabilities are unknown.",
			Remediation: "Scan every image in the pipeline before it is deployed, sharing the cache directory with the cluster audit (--cache-dir):\n\n" +
				"    bulwark scan image --cache-dir /shared/bulwark myacr.azurecr.io/app@sha256:<digest>\n\n" +
				"and deploy only digests that were scanned and signed.",
			Controls:     check.Controls{ASB: []string{"PV-5", "DS-6"}, CIS: []string{"5.1.1"}, Practice: "registry"},
			Kinds:        []string{imagescan.Kind},
			Sources:      []check.Source{check.Images},
			ImageAspects: []string{imagescan.AspectRecord},
		},
		Eval: func(_ *check.Context, obj *inventory.Object, r *check.Report) {
			res, ok := obj.Typed.(*imagescan.Result)
			if !ok || res.Err != "" || !res.NeverScanned {
				return
			}
			r.Fail(field.NewPath("digest"), res.Ref, "no scan record for %s@%s", res.Repository, res.Digest)
		},
	})
}
