package workload

import (
	"reflect"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-030 reads spec.securityContext and every container's securityContext
// (init, regular and ephemeral). A container is reported when neither it
// nor the pod sets anything: a missing securityContext and an empty one
// ({}) are the same to the runtime.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-030", Title: "No securityContext at pod or container level", Severity: finding.SeverityLow, Area: "pod-security",
			Description: "A container with no securityContext, in a pod with none, runs with whatever the image and runtime default to: often root, with privilege escalation allowed, " +
				"the default capability set including NET_RAW, a writable root file system and no seccomp profile. Nothing in the manifest then records or enforces a hardened posture, " +
				"so an image change to USER root or a new setuid binary goes unnoticed.",
			Remediation: "Set a pod-level securityContext and harden each container:\n\n" +
				"    spec:\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n        seccompProfile:\n          type: RuntimeDefault\n" +
				"      containers:\n      - name: app\n        securityContext:\n          allowPrivilegeEscalation: false\n          readOnlyRootFilesystem: true\n" +
				"          capabilities:\n            drop: [\"ALL\"]",
			Controls: check.Controls{ASB: []string{"PV-4"}, CIS: []string{"4.7.2"}, Practice: "container"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalNoSecurityContext,
	})
}

func evalNoSecurityContext(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	if psc := ps.Spec.SecurityContext; psc != nil && !reflect.ValueOf(*psc).IsZero() {
		return
	}
	for _, c := range ps.Containers() {
		if sc := c.SecurityContext; sc != nil && !reflect.ValueOf(*sc).IsZero() {
			continue
		}
		r.Fail(c.Path.Child("securityContext"), "none",
			"%s has no securityContext and the pod sets none, so it runs with the image's and runtime's defaults", containerRef(c))
	}
}
