// Package images holds the IMG checks: what Bulwark learns by opening an
// image (internal/imagescan) rather than by reading a manifest. They judge
// objects of kind Image; each declares the aspects of the assessment it reads (ImageAspects),
// and when that aspect could not be assessed the check reports nothing for
// the image and the scan lists it as not assessed.
package images

import (
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// result is the assessment behind an Image object, or nil when the
// aspect the check reads was not assessed.
func result(obj *inventory.Object, aspect string) *imagescan.Result {
	r, ok := obj.Typed.(*imagescan.Result)
	if !ok || !r.Assessed(aspect) {
		return nil
	}
	return r
}
