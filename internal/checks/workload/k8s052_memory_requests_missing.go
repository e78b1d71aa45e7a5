package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-052 reads resources.requests.memory and resources.limits.memory of
// every init and regular container, the pod-level spec.resources and the
// namespace's LimitRanges (rules in k8s050_cpu_requests_missing.go).

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-052", Title: "Memory request missing", Severity: finding.SeverityMedium, Area: "resources",
			Description: "A container without a memory request is scheduled onto nodes that may not have the memory it uses. Under memory pressure the kubelet evicts pods that exceed their requests first, " +
				"so the workload is the first to be killed, and an attacker who can make a neighbour allocate memory can get it evicted at will.",
			Remediation: "Set a memory request sized from observed usage:\n\n" +
				"    resources:\n      requests:\n        memory: 256Mi\n\n" +
				"or give the namespace a LimitRange with a defaultRequest for containers.",
			Controls: check.Controls{Practice: "container"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.KubernetesObjects,
			Reads:    []string{"LimitRange"},
		},
		Eval: func(ctx *check.Context, obj *inventory.Object, r *check.Report) {
			evalResourceMissing(ctx, obj, r, corev1.ResourceMemory, false)
		},
	})
}
