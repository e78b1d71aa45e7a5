package workload

import (
	"path"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-008 reads spec.volumes[*].hostPath.path (and, to name them in the
// message, the containers' volumeMounts[*].name). It flags the Docker,
// containerd, CRI-O and cri-dockerd sockets, the directories that hold
// them (including /run and /var/run themselves), and the Windows named
// pipes of Docker and containerd.

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-008", Title: "Container runtime socket mounted", Severity: finding.SeverityCritical, Area: "host",
			Description: "The container runtime socket (containerd on AKS nodes, or Docker/CRI-O elsewhere) is the API that starts containers on the node. " +
				"A pod that can reach it can start a privileged container with the node's root file system mounted, read every other pod's secrets and environment, " +
				"and take over the node and the kubelet's credentials, bypassing admission control and Pod Security entirely. Read-only mounts do not help: connecting to a socket is not a write to the file system.",
			Remediation: "Remove the hostPath volume that points at the runtime socket or its directory. Build images with a daemonless builder (BuildKit rootless, Kaniko, ACR Tasks) " +
				"instead of Docker-in-Docker, and get container metadata from the Kubernetes API or the CRI-aware monitoring agents AKS provides. Delete volumes like:\n\n" +
				"    volumes:\n    - name: docker-sock\n      hostPath:\n        path: /var/run/docker.sock",
			Controls: check.Controls{ASB: []string{"PV-4", "PA-7"}, CIS: []string{"4.2"}, Practice: "container"},
			Attack:   check.AttackHost,
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalRuntimeSocket,
	})
}

func evalRuntimeSocket(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	for i, v := range ps.Spec.Volumes {
		if v.HostPath == nil {
			continue
		}
		var what, evidence string
		switch p := path.Clean("/" + v.HostPath.Path); {
		case isWindowsRuntimePipe(v.HostPath.Path):
			what, evidence = "the Windows container runtime pipe "+v.HostPath.Path, v.HostPath.Path
		case slices.Contains(runtimeSockets, p):
			what, evidence = "the container runtime socket "+p, p
		case isRuntimeSocket(p):
			what, evidence = p+", the directory holding a container runtime socket", p
		case p == "/run" || p == "/var/run":
			what, evidence = p+", the directory holding the container runtime sockets", p
		default:
			continue
		}
		r.Fail(ps.SpecPath.Child("volumes").Index(i).Child("hostPath", "path"), evidence,
			"volume %q mounts %s%s", v.Name, what, mountedByText(ps, v.Name))
	}
}

// isWindowsRuntimePipe reports whether p is the named pipe of Docker or
// containerd on a Windows node (\\.\pipe\docker_engine,
// \\.\pipe\containerd-containerd), which hostPath can mount.
func isWindowsRuntimePipe(p string) bool {
	p = strings.ToLower(strings.ReplaceAll(p, "/", `\`))
	if !strings.HasPrefix(p, `\\.\pipe\`) {
		return false
	}
	name := strings.TrimPrefix(p, `\\.\pipe\`)
	return strings.HasPrefix(name, "docker_engine") || strings.HasPrefix(name, "containerd-containerd")
}

// mountedByText names the containers that mount volume vol, as a message
// suffix: ` (mounted by container "a", init container "b")`, or nothing
// when no container mounts it.
func mountedByText(ps inventory.PodSpec, vol string) string {
	var names []string
	for _, c := range ps.Containers() {
		for _, m := range c.VolumeMounts {
			if m.Name == vol {
				names = append(names, containerRef(c))
				break
			}
		}
	}
	if len(names) == 0 {
		return ""
	}
	return " (mounted by " + strings.Join(names, ", ") + ")"
}
