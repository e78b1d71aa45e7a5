package workload

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-043 reads image of every container (init, regular and ephemeral) and
// Settings.AllowedRegistries. An entry is a registry host with an optional
// path prefix (myacr.azurecr.io, mcr.microsoft.com/oss, localhost:5000);
// hosts compare case-insensitively, paths at a "/" boundary. Docker Hub
// short names are expanded first (nginx is docker.io/library/nginx), so
// Docker Hub is allowed with docker.io or docker.io/<org>. With no entries
// the check has nothing to enforce and reports nothing.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-043", Title: "Image registry not in the allow-list", Severity: finding.SeverityHigh, Area: "images",
			Description: "Images from registries the organisation does not control bypass its supply-chain controls: no vulnerability scanning in ACR/Defender for Containers, no signing, no quarantine, and no protection against typosquatted or hijacked public repositories. " +
				"A single unreviewed public image is enough to run an attacker's code with the pod's identity and network access.",
			Remediation: "Import the image into an approved registry and reference it from there:\n\n" +
				"    az acr import -n myacr --source docker.io/library/nginx:1.27 --image nginx:1.27\n\n" +
				"    containers:\n    - name: web\n      image: myacr.azurecr.io/nginx:1.27@sha256:<digest>\n\n" +
				"If the registry is approved, add it to images.allowedRegistries in the Bulwark policy. Enforce the same list in the cluster with the Azure Policy \"Kubernetes cluster containers should only use allowed images\".",
			Controls: check.Controls{ASB: []string{"DS-6"}, CIS: []string{"5.1.4"}, Practice: "registry"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalRegistryNotAllowed,
	})
}

func evalRegistryNotAllowed(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	if ctx.Settings == nil || len(ctx.Settings.AllowedRegistries) == 0 {
		return
	}
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	entries := make([]registryEntry, 0, len(ctx.Settings.AllowedRegistries))
	for _, e := range ctx.Settings.AllowedRegistries {
		if re := parseRegistryEntry(e); re.Host != "" {
			entries = append(entries, re)
		}
	}
	if len(entries) == 0 {
		return
	}
	for _, c := range ps.Containers() {
		ref, ok := parseImageRef(c.Image)
		if !ok || allowedByAny(entries, ref) {
			continue
		}
		r.Fail(c.Path.Child("image"), ref.Raw, "%s image %q comes from %s, which is not in the allowed registries (%s)",
			containerRef(c), ref.Raw, ref.Repository(), strings.Join(ctx.Settings.AllowedRegistries, ", "))
	}
}

// RegistryAllowed reports whether image comes from one of the allowed
// registries, as K8S-043 judges it; true when none are set. The admission
// image gate asks it before contacting a registry, so that a hostile pod
// spec cannot make the webhook call hosts the policy does not allow.
func RegistryAllowed(image string, allowed []string) bool {
	var entries []registryEntry
	for _, e := range allowed {
		if re := parseRegistryEntry(e); re.Host != "" {
			entries = append(entries, re)
		}
	}
	ref, ok := parseImageRef(image)
	return len(entries) == 0 || ok && allowedByAny(entries, ref)
}

func allowedByAny(entries []registryEntry, ref imageRef) bool {
	for _, e := range entries {
		if e.Allows(ref) {
			return true
		}
	}
	return false
}
