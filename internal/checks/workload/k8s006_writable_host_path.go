package workload

import (
	"path"
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-006 reads spec.volumes[*].hostPath and, for every container (init,
// regular and ephemeral), volumeMounts[*].name and .readOnly. A hostPath
// volume mounted without readOnly: true is writable from the container,
// whatever the path; K8S-007/008/009 judge the path itself.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-006", Title: "Writable hostPath mount", Severity: finding.SeverityHigh, Area: "host",
			Description: "A container that mounts a hostPath volume without readOnly: true can write to the node's file system. " +
				"Files written there outlive the pod and are read by the node and by other pods: an attacker who controls the container can plant binaries, cron jobs or systemd units, tamper with logs, fill the node's disk, or swap files that the kubelet or a privileged agent later executes or trusts.",
			Remediation: "Avoid hostPath; use emptyDir, a ConfigMap/Secret, a projected volume or a PersistentVolumeClaim. If the node path is truly needed, mount it read-only:\n\n" +
				"    volumeMounts:\n    - name: host-data\n      mountPath: /data\n      readOnly: true",
			Controls: check.Controls{ASB: []string{"PV-4"}, CIS: []string{"4.2"}, Practice: "container"},
			Attack:   check.AttackHost,
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalWritableHostPath,
	})
}

func evalWritableHostPath(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	hostVols := map[string]string{}
	for _, v := range ps.Spec.Volumes {
		if v.HostPath != nil {
			hostVols[v.Name] = path.Clean("/" + v.HostPath.Path)
		}
	}
	if len(hostVols) == 0 {
		return
	}
	for _, c := range ps.Containers() {
		for j, m := range c.VolumeMounts {
			hp, ok := hostVols[m.Name]
			if !ok || m.ReadOnly {
				continue
			}
			r.Fail(c.Path.Child("volumeMounts").Index(j), hp,
				"%s mounts hostPath volume %q (host path %s) at %s without readOnly: true",
				containerRef(c), m.Name, hp, m.MountPath)
		}
	}
}

// containerRef names a container in messages, saying which list it is in:
// `container "web"`, `init container "setup"`, `ephemeral container "debug"`.
func containerRef(c inventory.Container) string {
	switch {
	case c.Init:
		return "init container " + strconv.Quote(c.Name)
	case strings.Contains(c.Path.String(), "ephemeralContainers["):
		return "ephemeral container " + strconv.Quote(c.Name)
	}
	return "container " + strconv.Quote(c.Name)
}
