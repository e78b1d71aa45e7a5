package workload

import (
	"path"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-007 reads spec.volumes[*].hostPath.path and flags paths that are, or
// contain, node directories whose contents let a pod take over the node.
// Runtime sockets and Azure credential files have their own, more severe
// checks (K8S-008, K8S-009) and are not repeated here.

var sensitiveHostPaths = []string{
	"/", "/boot", "/dev", "/etc", "/lib", "/proc", "/root", "/sys", "/usr",
	"/var/lib/kubelet", "/var/lib/containerd", "/var/lib/docker", "/var/log", "/home",
}

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-007", Title: "Sensitive host path mounted", Severity: finding.SeverityHigh, Area: "host",
			Description: "Mounting a node directory such as /, /etc, /proc, /sys, /var/lib/kubelet or /var/log gives the pod the node's configuration, kubelet credentials or kernel interfaces; written to, it is a direct path to taking over the node.",
			Remediation: "Do not mount node system directories. Use ConfigMaps, Secrets, projected or CSI volumes; if a node agent truly needs one, mount the narrowest subdirectory read-only and run it in a dedicated namespace.",
			Controls:    check.Controls{ASB: []string{"PV-4"}, CIS: []string{"4.2"}, Practice: "container"},
			Attack:      check.AttackHost,
			Kinds:       inventory.WorkloadKinds,
			Sources:     check.ObjectSources,
		},
		Eval: evalSensitiveHostPath,
	})
}

func evalSensitiveHostPath(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	for i, v := range ps.Spec.Volumes {
		if v.HostPath == nil {
			continue
		}
		p := path.Clean("/" + v.HostPath.Path)
		if isRuntimeSocket(p) || isCloudCredentialPath(p) {
			continue
		}
		if s, ok := sensitiveMatch(p); ok {
			r.Fail(ps.SpecPath.Child("volumes").Index(i).Child("hostPath", "path"), p,
				"volume %q mounts host path %s, which exposes %s on the node", v.Name, p, s)
		}
	}
}

// sensitiveMatch reports whether p is a sensitive directory, lies below
// one, or is a parent of one (mounting /var exposes /var/lib/kubelet).
func sensitiveMatch(p string) (string, bool) {
	for _, s := range sensitiveHostPaths {
		switch {
		case p == s:
			return s, true
		case s != "/" && strings.HasPrefix(p, s+"/"):
			return s, true
		case p != "/" && strings.HasPrefix(s, p+"/"):
			return s, true
		}
	}
	return "", false
}
