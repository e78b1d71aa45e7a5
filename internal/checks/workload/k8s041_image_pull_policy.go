package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-041 reads image and imagePullPolicy of every container (init, regular
// and ephemeral). Images pinned by a digest are immutable and pass whatever
// the policy. For the others the policy must be Always: an explicit
// IfNotPresent or Never fails, and so does an unset policy with a tag
// other than latest, which the API server defaults to IfNotPresent (it
// defaults to Always only for :latest and untagged images).

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-041", Title: "imagePullPolicy not Always for a mutable image", Severity: finding.SeverityLow, Area: "images",
			Description: "With IfNotPresent or Never, the kubelet starts a pod from whatever image a node already has under that tag. " +
				"Nodes then drift: a tag that was re-pushed (a fixed CVE, or a malicious overwrite) runs in different versions on different nodes, and a private image cached on a node is started by any pod that names it, without the registry checking that pod's pull credentials. " +
				"Pulling by digest avoids both problems and makes the pull policy irrelevant.",
			Remediation: "Pin the image by digest (preferred; see K8S-042), or set the pull policy explicitly:\n\n" +
				"    containers:\n    - name: app\n      image: myacr.azurecr.io/app:1.4.2\n      imagePullPolicy: Always",
			Controls: check.Controls{ASB: []string{"DS-6"}, Practice: "registry"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalImagePullPolicy,
	})
}

func evalImagePullPolicy(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	for _, c := range ps.Containers() {
		ref, ok := parseImageRef(c.Image)
		if !ok || ref.Pinned() {
			continue
		}
		p := c.Path.Child("imagePullPolicy")
		switch c.ImagePullPolicy {
		case corev1.PullAlways:
		case "":
			if ref.Tag != "" && ref.Tag != "latest" {
				r.Fail(p, string(corev1.PullIfNotPresent),
					"%s sets no imagePullPolicy, so the API server defaults it to IfNotPresent for the mutable tag in image %q", containerRef(c), ref.Raw)
			}
		default:
			r.Fail(p, string(c.ImagePullPolicy),
				"%s uses imagePullPolicy %s for the mutable image %q", containerRef(c), c.ImagePullPolicy, ref.Raw)
		}
	}
}
