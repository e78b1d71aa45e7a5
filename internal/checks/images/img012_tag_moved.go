package images

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// IMG-012 compares the digest a workload runs (pod status imageID) or pins
// (repo:tag@sha256:…) with the digest its tag has in the registry now.
// References by digest alone have no tag to move.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "IMG-012", Title: "Image tag moved since deployment", Severity: finding.SeverityMedium, Area: "supply-chain",
			Description: "The workload runs a mutable tag whose digest in the registry changed since it was deployed: what runs is no longer what the tag names, and what was scanned and signed under that tag is not what the next pull gets. " +
				"Pods of one workload may end up running different code after a restart or scale-out.",
			Remediation: "Redeploy by digest so what runs is exactly what was scanned and signed:\n\n" +
				"    image: myacr.azurecr.io/app:1.4.1@sha256:<digest>\n\n" +
				"Treat release tags as immutable (ACR: az acr repository update --name myacr --image app:1.4.1 --write-enabled false).",
			Controls:     check.Controls{ASB: []string{"AM-5", "DS-6"}, Practice: "registry"},
			Kinds:        []string{imagescan.Kind},
			Sources:      []check.Source{check.Images},
			ImageAspects: []string{imagescan.AspectDrift},
		},
		Eval: func(_ *check.Context, obj *inventory.Object, r *check.Report) {
			res := result(obj, imagescan.AspectDrift)
			if res == nil || !res.Drift.Moved() {
				return
			}
			d := res.Drift
			r.Fail(field.NewPath("drift", "deployed"), res.Ref, "tag %s points to %s now, but the workload runs %s", d.Tag, d.Current, d.Deployed)
		},
	})
}
