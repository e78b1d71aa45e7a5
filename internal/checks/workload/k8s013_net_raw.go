package workload

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-013 reads securityContext.capabilities.add and .drop of every
// container (init, regular and ephemeral) and spec.os.name. A container
// keeps NET_RAW unless drop lists ALL or NET_RAW; an explicit add of
// NET_RAW wins over any drop (that is how containerd and CRI-O combine
// the lists). Windows pods have no Linux capabilities and are skipped.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-013", Title: "NET_RAW capability not dropped", Severity: finding.SeverityLow, Area: "pod-security",
			Description: "Container runtimes grant NET_RAW by default. It lets a process craft raw packets: ARP and DNS spoofing of other pods on the node, " +
				"ICMP or IPv6 router-advertisement tricks that redirect traffic, and scans that bypass the pod's TCP stack. Few applications need it; ping can use unprivileged ICMP sockets instead. " +
				"The restricted Pod Security Standard removes it by requiring drop: [\"ALL\"]; this check is the CIS view for clusters that enforce only the baseline level.",
			Remediation: "Drop ALL capabilities, or at least NET_RAW, and do not add NET_RAW back:\n\n" +
				"    securityContext:\n      capabilities:\n        drop: [\"ALL\"]",
			Controls: check.Controls{ASB: []string{"PV-4"}, CIS: []string{"4.2.7"}, Practice: "container"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalNetRaw,
	})
}

func evalNetRaw(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok || isWindowsPod(ps) {
		return
	}
	for _, c := range ps.Containers() {
		var caps corev1.Capabilities
		if c.SecurityContext != nil && c.SecurityContext.Capabilities != nil {
			caps = *c.SecurityContext.Capabilities
		}
		capsPath := c.Path.Child("securityContext", "capabilities")
		added := false
		for i, a := range caps.Add {
			if normalizeCapability(string(a)) == "NET_RAW" {
				added = true
				r.Fail(capsPath.Child("add").Index(i), string(a), "%s adds capability NET_RAW", containerRef(c))
			}
		}
		if added || dropsNetRaw(caps.Drop) {
			continue
		}
		dropped := make([]string, len(caps.Drop))
		for i, d := range caps.Drop {
			dropped[i] = string(d)
		}
		evidence := "[" + strings.Join(dropped, ", ") + "]"
		r.Fail(capsPath.Child("drop"), evidence, "%s does not drop NET_RAW (capabilities.drop is %s)", containerRef(c), evidence)
	}
}

func dropsNetRaw(drop []corev1.Capability) bool {
	for _, d := range drop {
		if n := normalizeCapability(string(d)); n == "ALL" || n == "NET_RAW" {
			return true
		}
	}
	return false
}

// isWindowsPod reports whether the pod declares spec.os.name: windows, for
// which the API forbids Linux-only security settings (capabilities,
// readOnlyRootFilesystem, runAsUser, ...).
func isWindowsPod(ps inventory.PodSpec) bool {
	return ps.Spec.OS != nil && ps.Spec.OS.Name == corev1.Windows
}
