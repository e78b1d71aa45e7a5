package workload

import (
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-029 reads securityContext.readOnlyRootFilesystem of every container
// (init, regular and ephemeral) and spec.os.name. There is no pod-level
// setting. Windows pods are skipped: the API rejects the field there.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-029", Title: "Root file system is writable", Severity: finding.SeverityLow, Area: "pod-security",
			Description: "Unless readOnlyRootFilesystem is true, a process in the container can change the image's files. An attacker who gets code execution can then " +
				"download and keep tools, replace binaries or libraries the application loads, or edit its configuration, and the change survives until the container is recreated. " +
				"A read-only root file system limits writes to the volumes the pod declares.",
			Remediation: "Set readOnlyRootFilesystem: true on every container and mount an emptyDir where the application must write (for example /tmp):\n\n" +
				"    containers:\n    - name: app\n      securityContext:\n        readOnlyRootFilesystem: true\n      volumeMounts:\n      - name: tmp\n        mountPath: /tmp\n" +
				"    volumes:\n    - name: tmp\n      emptyDir: {}",
			Controls: check.Controls{ASB: []string{"PV-4"}, CIS: []string{"4.7.2"}, Practice: "container"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalReadOnlyRootFilesystem,
	})
}

func evalReadOnlyRootFilesystem(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok || isWindowsPod(ps) {
		return
	}
	for _, c := range ps.Containers() {
		p := c.Path.Child("securityContext", "readOnlyRootFilesystem")
		switch sc := c.SecurityContext; {
		case sc == nil || sc.ReadOnlyRootFilesystem == nil:
			r.Fail(p, "unset", "%s does not set readOnlyRootFilesystem, so its root file system is writable", containerRef(c))
		case !*sc.ReadOnlyRootFilesystem:
			r.Fail(p, "false", "%s sets readOnlyRootFilesystem: false, so its root file system is writable", containerRef(c))
		}
	}
}
