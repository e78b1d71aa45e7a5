package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-054 reads resources.limits.ephemeral-storage of every init and
// regular container, the pod-level spec.resources.limits and the
// namespace's LimitRanges (rules in k8s050_cpu_requests_missing.go).

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-054", Title: "Ephemeral-storage limit missing", Severity: finding.SeverityLow, Area: "resources",
			Description: "Container logs, the writable layer and emptyDir volumes live on the node's OS or temp disk. Without an ephemeral-storage limit one container can fill it (runaway logs, uploads written to /tmp), " +
				"which puts the node under disk pressure: the kubelet evicts pods and stops admitting new ones, and image pulls fail for everything scheduled there.",
			Remediation: "Set an ephemeral-storage limit (and a sizeLimit on emptyDir volumes):\n\n" +
				"    resources:\n      requests:\n        ephemeral-storage: 1Gi\n      limits:\n        ephemeral-storage: 2Gi",
			Controls: check.Controls{Practice: "container"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.KubernetesObjects,
			Reads:    []string{"LimitRange"},
		},
		Eval: func(ctx *check.Context, obj *inventory.Object, r *check.Report) {
			evalResourceMissing(ctx, obj, r, corev1.ResourceEphemeralStorage, true)
		},
	})
}
