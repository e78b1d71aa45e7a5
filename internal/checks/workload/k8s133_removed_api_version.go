package workload

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-133 reads apiVersion and kind of every object and reports built-in
// API versions that Kubernetes no longer serves, with the release that
// removed them (from the upstream Deprecated API Migration Guide).

// removedAPI is one removed apiVersion, for one kind or ("" kind) for every
// kind in it not listed separately.
type removedAPI struct {
	apiVersion, kind string
	removedIn        string
	use              string // what to use instead, as a sentence fragment
}

var removedAPIs = []removedAPI{
	// 1.16
	{"extensions/v1beta1", "Deployment", "1.16", "use apps/v1"},
	{"extensions/v1beta1", "DaemonSet", "1.16", "use apps/v1"},
	{"extensions/v1beta1", "ReplicaSet", "1.16", "use apps/v1"},
	{"extensions/v1beta1", "NetworkPolicy", "1.16", "use networking.k8s.io/v1"},
	{"extensions/v1beta1", "PodSecurityPolicy", "1.16", "PodSecurityPolicy itself was removed in 1.25; use Pod Security admission namespace labels"},
	{"extensions/v1beta1", "Ingress", "1.22", "use networking.k8s.io/v1"},
	{"extensions/v1beta1", "", "1.22", "use the kind's current API group"},
	{"apps/v1beta1", "", "1.16", "use apps/v1"},
	{"apps/v1beta2", "", "1.16", "use apps/v1"},
	// 1.17-1.21
	{"scheduling.k8s.io/v1alpha1", "", "1.17", "use scheduling.k8s.io/v1"},
	{"settings.k8s.io/v1alpha1", "", "1.20", "PodPreset has no replacement; set the fields in the pod template or use a mutating admission policy"},
	{"batch/v2alpha1", "", "1.21", "use batch/v1"},
	// 1.22
	{"admissionregistration.k8s.io/v1beta1", "", "1.22", "use admissionregistration.k8s.io/v1"},
	{"apiextensions.k8s.io/v1beta1", "", "1.22", "use apiextensions.k8s.io/v1"},
	{"apiregistration.k8s.io/v1beta1", "", "1.22", "use apiregistration.k8s.io/v1"},
	{"authentication.k8s.io/v1beta1", "", "1.22", "use authentication.k8s.io/v1"},
	{"authorization.k8s.io/v1beta1", "", "1.22", "use authorization.k8s.io/v1"},
	{"certificates.k8s.io/v1beta1", "", "1.22", "use certificates.k8s.io/v1"},
	{"coordination.k8s.io/v1beta1", "", "1.22", "use coordination.k8s.io/v1"},
	{"networking.k8s.io/v1beta1", "", "1.22", "use networking.k8s.io/v1"},
	{"rbac.authorization.k8s.io/v1beta1", "", "1.22", "use rbac.authorization.k8s.io/v1"},
	{"rbac.authorization.k8s.io/v1alpha1", "", "1.22", "use rbac.authorization.k8s.io/v1"},
	{"scheduling.k8s.io/v1beta1", "", "1.22", "use scheduling.k8s.io/v1"},
	{"storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.27", "use storage.k8s.io/v1"},
	{"storage.k8s.io/v1beta1", "", "1.22", "use storage.k8s.io/v1"},
	// 1.25
	{"batch/v1beta1", "", "1.25", "use batch/v1"},
	{"discovery.k8s.io/v1beta1", "", "1.25", "use discovery.k8s.io/v1"},
	{"events.k8s.io/v1beta1", "", "1.25", "use events.k8s.io/v1"},
	{"autoscaling/v2beta1", "", "1.25", "use autoscaling/v2"},
	{"policy/v1beta1", "PodSecurityPolicy", "1.25", "PodSecurityPolicy has no replacement API; use Pod Security admission namespace labels"},
	{"policy/v1beta1", "", "1.25", "use policy/v1"},
	{"node.k8s.io/v1beta1", "", "1.25", "use node.k8s.io/v1"},
	// 1.26-1.32
	{"autoscaling/v2beta2", "", "1.26", "use autoscaling/v2"},
	{"flowcontrol.apiserver.k8s.io/v1beta1", "", "1.26", "use flowcontrol.apiserver.k8s.io/v1"},
	{"flowcontrol.apiserver.k8s.io/v1beta2", "", "1.29", "use flowcontrol.apiserver.k8s.io/v1"},
	{"flowcontrol.apiserver.k8s.io/v1beta3", "", "1.32", "use flowcontrol.apiserver.k8s.io/v1"},
}

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-133", Title: "Removed API version", Severity: finding.SeverityMedium, Area: "namespaces",
			Description: "Kubernetes stops serving beta and alpha API versions a few releases after their replacement is available. A manifest that still uses one fails to apply on " +
				"current clusters, so security fixes shipped in the same change never reach the cluster, and it pushes teams to hold back AKS version upgrades (and the node image and CVE fixes " +
				"they bring) to keep old manifests working; every AKS version that still served these APIs is long out of support. Some removed kinds, such as PodSecurityPolicy, " +
				"had security meaning: the protection they describe no longer exists.",
			Remediation: "Change apiVersion to the served version and apply the field changes the upstream Deprecated API Migration Guide lists for the kind " +
				"(kubectl convert can do most of it). For example:\n\n    apiVersion: apps/v1   # was extensions/v1beta1\n    kind: Deployment\n    spec:\n      selector:        # required in apps/v1\n        matchLabels: {app: web}",
			Controls:   check.Controls{ASB: []string{"PV-4"}, Practice: "node-upgrades"},
			Kinds:      []string{"*"},
			Sources:    []check.Source{check.Manifests},
			SourceNote: "the API server serves every object at the version requested, so removed API versions only show in manifests",
		},
		Eval: evalRemovedAPIVersion,
	})
}

func evalRemovedAPIVersion(_ *check.Context, obj *inventory.Object, r *check.Report) {
	api, ok := lookupRemovedAPI(obj.APIVersion, obj.Kind)
	if !ok {
		return
	}
	r.Fail(field.NewPath("apiVersion"), obj.APIVersion, "%s %q uses apiVersion %s, removed in Kubernetes %s; %s",
		obj.Kind, obj.Meta.Name, obj.APIVersion, api.removedIn, api.use)
}

// lookupRemovedAPI finds the entry for a kind, falling back to the entry
// for its whole apiVersion.
func lookupRemovedAPI(apiVersion, kind string) (removedAPI, bool) {
	var whole *removedAPI
	for i, a := range removedAPIs {
		if a.apiVersion != apiVersion {
			continue
		}
		if a.kind == kind {
			return a, true
		}
		if a.kind == "" && whole == nil {
			whole = &removedAPIs[i]
		}
	}
	if whole == nil {
		return removedAPI{}, false
	}
	return *whole, true
}
