package workload

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-019 reads spec.securityContext.runAsGroup, .fsGroup and
// .supplementalGroups, and every container's securityContext.runAsGroup
// (init, regular, ephemeral). A container's runAsGroup wins over the pod's;
// the pod-level value is reported only if some container inherits it.
// fsGroup and supplementalGroups apply to every container.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-019", Title: "Runs with the root group (GID 0)", Severity: finding.SeverityMedium, Area: "pod-security",
			Description: "runAsNonRoot only looks at the user. A process whose primary group is 0, or that gets group 0 through fsGroup or supplementalGroups, can read and write every file " +
				"that is group-owned by root and group-writable: in the image, on shared volumes and, after a container escape or through a hostPath mount, on the node. " +
				"fsGroup 0 also makes the kubelet chown every volume to the root group.",
			Remediation: "Use a non-zero group for runAsGroup and fsGroup and remove 0 from supplementalGroups:\n\n" +
				"    spec:\n      securityContext:\n        runAsUser: 10001\n        runAsGroup: 10001\n        fsGroup: 10001",
			Controls: check.Controls{ASB: []string{"PV-4"}, CIS: []string{"4.2.6"}, Practice: "container"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalRootGroup,
	})
}

func evalRootGroup(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	root := func(v int64) bool { return v == 0 }
	forEffectiveID(ps, runAsGroupSetting, root, func(p *field.Path, _ int64, who string, podLevel bool) {
		if podLevel {
			r.Fail(p, "0", "pod-level runAsGroup 0 (root group) applies to %s", who)
			return
		}
		r.Fail(p, "0", "%s runs with runAsGroup 0 (root group)", who)
	})
	psc := ps.Spec.SecurityContext
	if psc == nil {
		return
	}
	scPath := ps.SpecPath.Child("securityContext")
	if psc.FSGroup != nil && *psc.FSGroup == 0 {
		r.Fail(scPath.Child("fsGroup"), "0", "fsGroup 0 adds the root group to every container and gives it the pod's volumes")
	}
	for i, g := range psc.SupplementalGroups {
		if g == 0 {
			r.Fail(scPath.Child("supplementalGroups").Index(i), "0", "supplementalGroups adds the root group (0) to every container")
		}
	}
}
