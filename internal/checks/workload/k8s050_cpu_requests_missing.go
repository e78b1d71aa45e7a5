package workload

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-050 reads resources.requests.cpu and resources.limits.cpu of every
// init and regular container (ephemeral containers cannot have resources),
// the pod-level spec.resources, and the LimitRanges of the object's
// namespace in the inventory. The rules shared by K8S-050 to K8S-054 are
// here: a value counts as set when the container sets it, when the pod
// sets it at pod level, or when a LimitRange item of type Container would
// default it at admission (default and max give limits; defaultRequest,
// default, max and min give requests). A request is also set when the
// container has a limit for the same resource: the API server then
// defaults the request to the limit.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-050", Title: "CPU request missing", Severity: finding.SeverityLow, Area: "resources",
			Description: "A container without a CPU request is scheduled as if it needed none and, in the BestEffort or Burstable class, gets the smallest CPU share under contention. " +
				"Nodes get overcommitted, and a busy or compromised neighbour starves the workload of CPU: health probes time out, pods restart in a loop, and a noisy tenant turns into a denial of service for others on the node.",
			Remediation: "Set a CPU request sized from observed usage (Azure Monitor container insights, or the VPA recommender in Off mode):\n\n" +
				"    resources:\n      requests:\n        cpu: 250m\n\n" +
				"or give the namespace a LimitRange with a defaultRequest for containers.",
			Controls: check.Controls{Practice: "container"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.KubernetesObjects,
			Reads:    []string{"LimitRange"},
		},
		Eval: func(ctx *check.Context, obj *inventory.Object, r *check.Report) {
			evalResourceMissing(ctx, obj, r, corev1.ResourceCPU, false)
		},
	})
}

var resourceLabels = map[corev1.ResourceName]string{
	corev1.ResourceCPU:              "CPU",
	corev1.ResourceMemory:           "memory",
	corev1.ResourceEphemeralStorage: "ephemeral-storage",
}

// evalResourceMissing reports each init or regular container that has no
// request (limit false) or limit (limit true) for res, by the rules above.
func evalResourceMissing(ctx *check.Context, obj *inventory.Object, r *check.Report, res corev1.ResourceName, limit bool) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	if pr := ps.Spec.Resources; pr != nil {
		if _, ok := pr.Limits[res]; ok {
			return
		}
		if _, ok := pr.Requests[res]; ok && !limit {
			return
		}
	}
	defReq, defLim := limitRangeDefaults(ctx.Inventory, obj.Meta.Namespace)
	if defLim[res] || defReq[res] && !limit {
		return
	}
	kind, list := "request", "requests"
	if limit {
		kind, list = "limit", "limits"
	}
	// Containers lists init and regular containers before ephemeral ones.
	n := len(ps.Spec.InitContainers) + len(ps.Spec.Containers)
	for _, c := range ps.Containers()[:n] {
		if _, ok := c.Resources.Limits[res]; ok {
			continue
		}
		if _, ok := c.Resources.Requests[res]; ok && !limit {
			continue
		}
		r.Fail(c.Path.Child("resources", list, string(res)), "", "%s sets no %s %s", containerRef(c), resourceLabels[res], kind)
	}
}

// limitRangeDefaults returns the resources for which a LimitRange of the
// namespace gives containers a default request and a default limit, after
// the API server's defaulting of LimitRange items (SetDefaults_LimitRangeItem:
// max fills default, default fills defaultRequest, min fills defaultRequest).
func limitRangeDefaults(inv *inventory.Inventory, ns string) (requests, limits map[corev1.ResourceName]bool) {
	requests, limits = map[corev1.ResourceName]bool{}, map[corev1.ResourceName]bool{}
	for _, o := range inv.OfKind("LimitRange") {
		lr, ok := o.Typed.(*corev1.LimitRange)
		if !ok || o.Meta.Namespace != ns {
			continue
		}
		for _, item := range lr.Spec.Limits {
			if item.Type != corev1.LimitTypeContainer {
				continue
			}
			for _, l := range []corev1.ResourceList{item.Default, item.Max} {
				for name := range l {
					limits[name], requests[name] = true, true
				}
			}
			for _, l := range []corev1.ResourceList{item.DefaultRequest, item.Min} {
				for name := range l {
					requests[name] = true
				}
			}
		}
	}
	return requests, limits
}
