package workload

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-040 reads image of every container (init, regular and ephemeral). An
// image with neither a tag nor a digest resolves to :latest; an explicit
// :latest is the same. An image pinned by digest passes whatever its tag
// says, because the runtime pulls the digest and ignores the tag.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-040", Title: "Image tag latest or missing", Severity: finding.SeverityMedium, Area: "images",
			Description: "An image without a tag, or tagged :latest, names whatever was pushed last. Two nodes can run different code under the same manifest, a rollback cannot return to the previous version, " +
				"and anyone who can push to the repository (a leaked CI credential, a compromised upstream maintainer for Docker Hub images) changes what the cluster runs at the next pod start, without any change to the manifest that review or admission policy would see. " +
				"The API server also defaults imagePullPolicy to Always for such images, so every pod start depends on the registry being reachable.",
			Remediation: "Reference an immutable version, best a digest (and a version tag for readers), e.g. from `az acr repository show -n myacr --image app:1.4.2`:\n\n" +
				"    containers:\n    - name: app\n      image: myacr.azurecr.io/app:1.4.2@sha256:<digest>\n\n" +
				"In ACR, lock released tags against overwrite (`az acr repository update --name myacr --image app:1.4.2 --write-enabled false`).",
			Controls: check.Controls{ASB: []string{"DS-6"}, Practice: "build"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
			CEL:      &check.CEL{Container: "c.image.contains('@') || (c.image.lastIndexOf(':') > c.image.lastIndexOf('/') && c.image.substring(c.image.lastIndexOf(':') + 1) != 'latest')"},
		},
		Eval: evalImageTagLatest,
	})
}

func evalImageTagLatest(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	for _, c := range ps.Containers() {
		ref, ok := parseImageRef(c.Image)
		if !ok || ref.Pinned() {
			continue
		}
		switch ref.Tag {
		case "":
			r.Fail(c.Path.Child("image"), ref.Raw, "%s image %q has no tag or digest, so it runs whatever %s:latest is at pull time", containerRef(c), ref.Raw, ref.Repository())
		case "latest":
			r.Fail(c.Path.Child("image"), ref.Raw, "%s image %q uses the mutable tag latest", containerRef(c), ref.Raw)
		}
	}
}
