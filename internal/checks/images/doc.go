// Package images holds the IMG checks: what Bulwark learns by opening an
// image (internal/imagescan) rather than by reading a manifest. They judge
// objects of kind Image; each reads one aspect of the assessment (Reads),
// and when that aspect could not be assessed the check reports nothing for
// the image and the scan lists it as not assessed.
package images

import (
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// Reads maps each check to the aspect of an image assessment it judges.
var Reads = map[string]string{
	"IMG-001": imagescan.AspectVulnerabilities,
	"IMG-002": imagescan.AspectVulnerabilities,
	"IMG-003": imagescan.AspectVulnerabilities,
	"IMG-004": imagescan.AspectVulnerabilities,
	"IMG-005": imagescan.AspectVulnerabilities,
	"IMG-010": imagescan.AspectSignature,
	"IMG-011": imagescan.AspectDrift,
	"IMG-012": imagescan.AspectDrift,
	"IMG-013": imagescan.AspectRecord,
	"IMG-020": imagescan.AspectBase,
}

// result is the assessment behind an Image object, or nil when the
// aspect the check reads was not assessed.
func result(obj *inventory.Object, aspect string) *imagescan.Result {
	r, ok := obj.Typed.(*imagescan.Result)
	if !ok || !r.Assessed(aspect) {
		return nil
	}
	return r
}
