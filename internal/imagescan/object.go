package imagescan

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// Kind and APIVersion of the inventory objects images become.
const (
	Kind       = "Image"
	APIVersion = "bulwark.dev/v1"
)

// ToObjects turns results into inventory objects for the IMG checks. The
// object's name is the reference as written, so findings keep their
// history (baseline, exceptions) when the tag is rebuilt; a reference
// running at several digests gets the digest appended to tell them apart.
func ToObjects(results []*Result) []*inventory.Object {
	count := map[string]int{}
	for _, r := range results {
		count[r.Ref]++
	}
	out := make([]*inventory.Object, 0, len(results))
	for _, r := range results {
		name := r.Ref
		if count[r.Ref] > 1 && r.Digest != "" {
			name += " (" + r.Digest + ")"
		}
		loc := r.Location()
		o := inventory.NewObject(metav1.TypeMeta{APIVersion: APIVersion, Kind: Kind}, &metav1.ObjectMeta{Name: name}, r, loc, nil)
		o.SetLocator(func(string) finding.Location { return loc })
		out = append(out, o)
	}
	return out
}
