package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-053 reads resources.limits.memory of every init and regular
// container, the pod-level spec.resources.limits and the namespace's
// LimitRanges (rules in k8s050_cpu_requests_missing.go).

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-053", Title: "Memory limit missing", Severity: finding.SeverityMedium, Area: "resources",
			Description: "Without a memory limit a leak, a decompression bomb or a crafted request can make one container consume all of its node's memory. " +
				"The kernel OOM killer then picks victims across the node, other tenants' pods are evicted, and on AKS system pods in the same pool (CoreDNS, konnectivity, CSI drivers) can fail with them.",
			Remediation: "Set a memory limit; for most services equal to the request:\n\n" +
				"    resources:\n      requests:\n        memory: 256Mi\n      limits:\n        memory: 256Mi",
			Controls: check.Controls{Practice: "container"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.KubernetesObjects,
			Reads:    []string{"LimitRange"},
		},
		Eval: func(ctx *check.Context, obj *inventory.Object, r *check.Report) {
			evalResourceMissing(ctx, obj, r, corev1.ResourceMemory, true)
		},
	})
}
