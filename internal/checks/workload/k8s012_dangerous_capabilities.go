package workload

import (
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-012 reads securityContext.capabilities.add of every container (init,
// regular and ephemeral) and reports each capability that on its own is
// enough to escape the container or read other processes' memory. Names
// are compared without case and without a CAP_ prefix.

var dangerousCapabilities = map[string]string{
	"ALL":             "use every Linux capability",
	"SYS_ADMIN":       "mount file systems, use namespaces and most privileged kernel interfaces",
	"NET_ADMIN":       "reconfigure the pod's network: interfaces, routes, iptables rules and traffic interception",
	"SYS_MODULE":      "load kernel modules into the node's kernel",
	"SYS_PTRACE":      "trace and inject code into other processes",
	"SYS_RAWIO":       "access raw devices, I/O ports and kernel memory",
	"BPF":             "load eBPF programs into the node's kernel",
	"PERFMON":         "use perf and eBPF tracing to read kernel and other processes' data",
	"DAC_READ_SEARCH": "read any file and open files by handle, the basis of the shocker container escape",
	"SYS_BOOT":        "reboot the node and load new kernels",
	"MAC_ADMIN":       "change the AppArmor or SELinux policy that confines containers",
	"MAC_OVERRIDE":    "bypass AppArmor or SELinux confinement",
}

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-012", Title: "Dangerous capabilities added", Severity: finding.SeverityCritical, Area: "pod-security",
			Description: "Some Linux capabilities are each enough to break out of a container or take over the node: SYS_ADMIN allows mounting the host's cgroup or block devices " +
				"(the release_agent escape), SYS_MODULE and BPF load code into the node's kernel, SYS_PTRACE and PERFMON read or hijack other processes, DAC_READ_SEARCH opens host files by handle, " +
				"SYS_RAWIO reaches kernel memory, NET_ADMIN rewrites the pod's routing and firewall to intercept traffic, MAC_ADMIN/MAC_OVERRIDE switch off AppArmor or SELinux, " +
				"SYS_BOOT reboots the node, and ALL grants every one of them.",
			Remediation: "Remove the capability from securityContext.capabilities.add, drop everything and add back only what the process needs (usually nothing, or NET_BIND_SERVICE):\n\n" +
				"    securityContext:\n      capabilities:\n        drop: [\"ALL\"]\n        add: [\"NET_BIND_SERVICE\"]\n\n" +
				"Node agents that truly need such a capability belong in a dedicated namespace on a dedicated node pool.",
			Controls: check.Controls{ASB: []string{"PV-4", "PA-7"}, CIS: []string{"4.2.8"}, Practice: "container"},
			Attack:   check.AttackHost,
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
			CEL:      &check.CEL{Container: capabilitiesCEL(dangerousCapabilities)},
		},
		Eval: evalDangerousCapabilities,
	})
}

func evalDangerousCapabilities(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	for _, c := range ps.Containers() {
		if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
			continue
		}
		for i, raw := range c.SecurityContext.Capabilities.Add {
			name := normalizeCapability(string(raw))
			why, bad := dangerousCapabilities[name]
			if !bad {
				continue
			}
			r.Fail(c.Path.Child("securityContext", "capabilities", "add").Index(i), string(raw),
				"%s adds capability %s, which lets it %s", containerRef(c), name, why)
		}
	}
}

// capabilitiesCEL is the check as CEL: added capabilities compared as
// normalizeCapability compares them.
func capabilitiesCEL(denied map[string]string) string {
	names := make([]string, 0, len(denied))
	for n := range denied {
		names = append(names, "'"+n+"'")
	}
	slices.Sort(names)
	return "!has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.add) || " +
		"c.securityContext.capabilities.add.all(a, !([" + strings.Join(names, ", ") + "].exists(d, a.trim().upperAscii() == d || a.trim().upperAscii() == 'CAP_' + d)))"
}

// normalizeCapability turns "cap_sys_admin", " Sys_Admin" and "SYS_ADMIN"
// into SYS_ADMIN, the spelling Kubernetes documents.
func normalizeCapability(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.TrimPrefix(s, "CAP_")
}
