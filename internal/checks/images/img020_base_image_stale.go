package images

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// IMG-020 reads the base-image verdict: the base named by the image's OCI
// annotations (org.opencontainers.image.base.name/.digest) or labels, or by
// the final FROM of a Dockerfile given on the command line, compared with
// what that base tag points to now and confirmed by layer prefixes.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "IMG-020", Title: "Base image has updates", Severity: finding.SeverityMedium, Area: "supply-chain",
			Description: "The base image the image was built on has been rebuilt since: its tag points to a newer image, which usually carries security fixes for the operating system packages and runtimes every image on it inherits. " +
				"The image keeps the old, unpatched layers until it is rebuilt.",
			Remediation: "Rebuild and redeploy the image on the current base (docker build --pull), and automate it: ACR Tasks base-image triggers (az acr task create --base-image-trigger-enabled true), Renovate or Dependabot digest pinning in the Dockerfile. " +
				"Record the base in the image with --annotation/--label org.opencontainers.image.base.name and .base.digest so it can be tracked.",
			Controls:     check.Controls{ASB: []string{"PV-6"}, Practice: "build"},
			Kinds:        []string{imagescan.Kind},
			Sources:      []check.Source{check.Images},
			ImageAspects: []string{imagescan.AspectBase},
		},
		Eval: func(_ *check.Context, obj *inventory.Object, r *check.Report) {
			res := result(obj, imagescan.AspectBase)
			if res == nil || res.Base == nil || !res.Base.Stale {
				return
			}
			b := res.Base
			age := ""
			if b.Age > 0 {
				age = fmt.Sprintf(" for %s", days(b.Age))
			}
			how := ""
			if !b.Confirmed {
				how = " (by digest; the layers could not confirm it)"
			}
			r.Fail(field.NewPath("base"), res.Ref, "base image %s has a newer image %s%s%s: %s", b.Name, b.Current, age, how, b.Reason)
		},
	})
}

func days(d time.Duration) string {
	n := int(d.Hours() / 24)
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}
