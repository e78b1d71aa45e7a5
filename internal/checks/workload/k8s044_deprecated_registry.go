package workload

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-044 reads image of every container (init, regular and ephemeral) and
// fails for the frozen Kubernetes community registry: k8s.gcr.io, its
// regional aliases (*.k8s.gcr.io) and the legacy gcr.io/google-containers
// (gcr.io/google_containers) repositories behind it.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-044", Title: "Deprecated registry k8s.gcr.io", Severity: finding.SeverityMedium, Area: "images",
			Description: "The Kubernetes project froze k8s.gcr.io on 3 April 2023 and moved to registry.k8s.io. Nothing new is published there: images pulled from it no longer receive security fixes, newer releases of the same components exist only on registry.k8s.io, " +
				"and the project has warned that k8s.gcr.io may stop serving images altogether, at which point pods that need a fresh pull (new nodes, autoscaling, node image upgrades) fail to start.",
			Remediation: "Replace the registry host with registry.k8s.io (same repository paths and tags), then pin the digest:\n\n" +
				"    image: registry.k8s.io/ingress-nginx/controller:v1.11.2@sha256:<digest>\n\n" +
				"Better, import the image into your ACR (`az acr import -n myacr --source registry.k8s.io/...`) and pull it from there.",
			Controls: check.Controls{ASB: []string{"DS-6"}, Practice: "registry"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalDeprecatedRegistry,
	})
}

func evalDeprecatedRegistry(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	for _, c := range ps.Containers() {
		ref, ok := parseImageRef(c.Image)
		if !ok || !frozenK8sRegistry(ref) {
			continue
		}
		r.Fail(c.Path.Child("image"), ref.Raw, "%s image %q comes from the frozen registry %s; use registry.k8s.io", containerRef(c), ref.Raw, ref.Registry)
	}
}

func frozenK8sRegistry(ref imageRef) bool {
	switch {
	case ref.Registry == "k8s.gcr.io" || strings.HasSuffix(ref.Registry, ".k8s.gcr.io"):
		return true
	case ref.Registry == "gcr.io":
		return strings.HasPrefix(ref.Path, "google-containers/") || strings.HasPrefix(ref.Path, "google_containers/")
	}
	return false
}
