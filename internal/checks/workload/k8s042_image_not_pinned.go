package workload

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-042 reads image of every container (init, regular and ephemeral) and
// fails unless it carries a well-formed digest (@sha256:<64 hex>, or another
// algorithm). A malformed digest pins nothing: the pull fails.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-042", Title: "Image not pinned by digest", Severity: finding.SeverityLow, Area: "images",
			Description: "A tag is a movable pointer: whoever can push to the repository can point it at other content, and the next pod start runs it. " +
				"A digest names the content itself, so what was reviewed, scanned and signed is what runs, on every node and after every restart. Signature verification (Ratify, Notation) also works on digests.",
			Remediation: "Resolve the tag to its digest in CI and deploy the digest, keeping the tag for readers:\n\n" +
				"    az acr repository show -n myacr --image app:1.4.2 --query digest -o tsv\n\n" +
				"    containers:\n    - name: app\n      image: myacr.azurecr.io/app:1.4.2@sha256:<digest>\n\n" +
				"Tools such as Renovate (pinDigests) or kustomize `images[].digest` keep the digests current.",
			Controls: check.Controls{ASB: []string{"DS-6"}, Practice: "build"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalImageNotPinned,
	})
}

func evalImageNotPinned(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	for _, c := range ps.Containers() {
		ref, ok := parseImageRef(c.Image)
		if !ok || ref.Pinned() {
			continue
		}
		if ref.Digest != "" {
			r.Fail(c.Path.Child("image"), ref.Raw, "%s image %q has a malformed digest %q", containerRef(c), ref.Raw, ref.Digest)
			continue
		}
		if ref.Tag == "" {
			r.Fail(c.Path.Child("image"), ref.Raw, "%s image %q has neither a digest nor a tag", containerRef(c), ref.Raw)
			continue
		}
		r.Fail(c.Path.Child("image"), ref.Raw, "%s image %q is referenced by the movable tag %s, not by digest", containerRef(c), ref.Raw, ref.Tag)
	}
}
