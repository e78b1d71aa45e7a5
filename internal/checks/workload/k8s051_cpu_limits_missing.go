package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-051 reads resources.limits.cpu of every init and regular container,
// the pod-level spec.resources.limits and the namespace's LimitRanges
// (rules in k8s050_cpu_requests_missing.go).

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-051", Title: "CPU limit missing", Severity: finding.SeverityLow, Area: "resources",
			Description: "Without a CPU limit a container may use every idle core of its node. A runaway loop, a cryptominer dropped through a vulnerability, or a request flood then slows every other pod on the node, including system agents; " +
				"on AKS it also drives the cluster autoscaler to add nodes that you pay for.",
			Remediation: "Set a CPU limit (some teams prefer requests only for latency-sensitive services; then set a namespace LimitRange max and accept this finding explicitly):\n\n" +
				"    resources:\n      requests:\n        cpu: 250m\n      limits:\n        cpu: \"1\"",
			Controls: check.Controls{Practice: "container"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.KubernetesObjects,
			Reads:    []string{"LimitRange"},
		},
		Eval: func(ctx *check.Context, obj *inventory.Object, r *check.Report) {
			evalResourceMissing(ctx, obj, r, corev1.ResourceCPU, true)
		},
	})
}
