package pss

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// spec declares one PSS check: our metadata plus where its fields live.
type spec struct {
	id policy.CheckID
	check.Meta
	// container is the offending field relative to a container, for
	// checks that look at containers.
	container string
	// pod returns the offending pod-level field relative to the pod spec.
	pod func(*corev1.PodSpec) string
	// volumes marks checks about spec.volumes.
	volumes bool
}

const pssDocs = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"

var asbPV4 = []string{"PV-4"}

// The ids follow the research catalog (K8S-001…K8S-028); where PSS folds
// several catalog rows into one check (hostNamespaces covers hostPID,
// hostIPC and hostNetwork) the first row's id is used, and the restricted
// procMount check, new in 1.35, gets K8S-035.
var specs = []spec{
	{id: "privileged", container: "securityContext.privileged", Meta: check.Meta{
		ID: "K8S-001", Title: "Privileged container", Severity: finding.SeverityCritical, Area: "pod-security",
		Description: "A privileged container runs with every capability and full access to the node's devices; a compromise of the container is a compromise of the node and of every pod and credential on it, including the kubelet's and the node's Azure identity.",
		Remediation: "Remove securityContext.privileged or set it to false. Grant only the specific capability the workload needs.",
		CEL:         &check.CEL{Container: "!has(c.securityContext) || !has(c.securityContext.privileged) || !c.securityContext.privileged"},
		Controls:    check.Controls{ASB: []string{"PV-4", "PA-7"}, CIS: []string{"4.2.1"}, Practice: "container"},
		Attack:      check.AttackHost}},
	{id: "hostNamespaces", pod: hostNamespaceField, Meta: check.Meta{
		ID: "K8S-002", Title: "Host namespaces shared (hostNetwork, hostPID, hostIPC)", Severity: finding.SeverityHigh, Area: "pod-security",
		Description: "Sharing the node's network, process or IPC namespace lets the pod see and reach the node's processes and interfaces: other pods' traffic, the kubelet, and the instance metadata service with the node's identity regardless of network policies.",
		Remediation: "Remove spec.hostNetwork, spec.hostPID and spec.hostIPC (or set them to false).",
		CEL:         &check.CEL{Pod: "!(has(variables.spec.hostNetwork) && variables.spec.hostNetwork) && !(has(variables.spec.hostPID) && variables.spec.hostPID) && !(has(variables.spec.hostIPC) && variables.spec.hostIPC)"},
		Controls:    check.Controls{ASB: []string{"PV-4", "NS-1"}, CIS: []string{"4.2.2", "4.2.3", "4.2.4"}, Practice: "container"},
		Attack:      check.AttackHost}},
	{id: "hostPathVolumes", volumes: true, Meta: check.Meta{
		ID: "K8S-005", Title: "hostPath volume", Severity: finding.SeverityHigh, Area: "pod-security",
		Description: "A hostPath volume mounts a directory of the node into the pod. It breaks the container boundary and, writable or on a sensitive path, gives node-level access.",
		Remediation: "Use emptyDir, a ConfigMap/Secret, a projected volume or a PersistentVolumeClaim instead of hostPath.",
		CEL:         &check.CEL{Pod: "!has(variables.spec.volumes) || variables.spec.volumes.all(v, !has(v.hostPath))"},
		Controls:    check.Controls{ASB: asbPV4, CIS: []string{"4.2"}, Practice: "container"}}},
	{id: "hostPorts", container: "ports", Meta: check.Meta{
		ID: "K8S-010", Title: "hostPort used", Severity: finding.SeverityMedium, Area: "pod-security",
		Description: "A hostPort binds the container to a port on the node's own address, bypassing Services and often network policies, and pins the pod to nodes where the port is free.",
		Remediation: "Remove ports[].hostPort and expose the workload through a Service.",
		CEL:         &check.CEL{Container: "!has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0)"},
		Controls:    check.Controls{ASB: []string{"PV-4", "NS-1"}, CIS: []string{"4.2"}, Practice: "container"}}},
	{id: "capabilities_baseline", container: "securityContext.capabilities.add", Meta: check.Meta{
		ID: "K8S-011", Title: "Capabilities added beyond the baseline set", Severity: finding.SeverityHigh, Area: "pod-security",
		Description: "Capabilities outside the default container set (for example SYS_ADMIN, NET_ADMIN, SYS_PTRACE) give kernel-level powers that enable container escapes.",
		Remediation: "Remove the capability from securityContext.capabilities.add; only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT are allowed.",
		Controls:    check.Controls{ASB: asbPV4, CIS: []string{"4.2.8"}, Practice: "container"}}},
	{id: "appArmorProfile", container: "securityContext.appArmorProfile.type", pod: always("securityContext.appArmorProfile.type"), Meta: check.Meta{
		ID: "K8S-022", Title: "AppArmor disabled or overridden", Severity: finding.SeverityMedium, Area: "pod-security",
		Description: "Setting the AppArmor profile to Unconfined (or a custom annotation value) removes the mandatory-access-control layer that limits what a compromised process can touch.",
		Remediation: "Leave securityContext.appArmorProfile unset or use type RuntimeDefault or Localhost.",
		Controls:    check.Controls{ASB: asbPV4, CIS: []string{"4.7.2"}, Practice: "container"}}},
	{id: "seLinuxOptions", container: "securityContext.seLinuxOptions", pod: always("securityContext.seLinuxOptions"), Meta: check.Meta{
		ID: "K8S-023", Title: "Custom SELinux type, user or role", Severity: finding.SeverityMedium, Area: "pod-security",
		Description: "A custom SELinux type, user or role can give the container a less confined security label than the runtime's default.",
		Remediation: "Remove seLinuxOptions.user and .role; use no type or one of container_t, container_init_t, container_kvm_t, container_engine_t.",
		Controls:    check.Controls{ASB: asbPV4, CIS: []string{"4.7.2"}, Practice: "container"}}},
	{id: "procMount", container: "securityContext.procMount", Meta: check.Meta{
		ID: "K8S-024", Title: "Unmasked /proc mount", Severity: finding.SeverityHigh, Area: "pod-security",
		Description: "procMount Unmasked exposes kernel interfaces under /proc that the runtime normally masks, which helps an attacker read host information or escape.",
		Remediation: "Remove securityContext.procMount or set it to Default.",
		Controls:    check.Controls{ASB: asbPV4, CIS: []string{"4.2"}, Practice: "container"}}},
	{id: "seccompProfile_baseline", container: "securityContext.seccompProfile.type", pod: always("securityContext.seccompProfile.type"), Meta: check.Meta{
		ID: "K8S-021", Title: "seccomp explicitly Unconfined", Severity: finding.SeverityMedium, Area: "pod-security",
		Description: "An Unconfined seccomp profile lets the container call every system call, including the rarely used ones behind most kernel privilege escalations.",
		Remediation: "Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost with a reviewed profile).",
		Controls:    check.Controls{ASB: asbPV4, CIS: []string{"4.7.2"}, Practice: "container"}}},
	{id: "sysctls", pod: always("securityContext.sysctls"), Meta: check.Meta{
		ID: "K8S-025", Title: "Unsafe sysctls", Severity: finding.SeverityHigh, Area: "pod-security",
		Description: "Sysctls outside the namespaced safe set change kernel parameters for the whole node, affecting every other pod on it.",
		Remediation: "Remove the sysctl from spec.securityContext.sysctls or run the workload on a dedicated, tainted node pool configured for it.",
		Controls:    check.Controls{ASB: asbPV4, CIS: []string{"4.2"}, Practice: "container"}}},
	{id: "windowsHostProcess", container: "securityContext.windowsOptions.hostProcess", pod: always("securityContext.windowsOptions.hostProcess"), Meta: check.Meta{
		ID: "K8S-027", Title: "Windows HostProcess container", Severity: finding.SeverityCritical, Area: "pod-security",
		Description: "A Windows HostProcess container runs directly on the node as a host process: the Windows equivalent of a privileged container.",
		Remediation: "Remove windowsOptions.hostProcess (or set it to false) and hostNetwork.",
		CEL:         &check.CEL{Pod: "!(has(variables.spec.securityContext) && has(variables.spec.securityContext.windowsOptions) && has(variables.spec.securityContext.windowsOptions.hostProcess) && variables.spec.securityContext.windowsOptions.hostProcess)", Container: "!(has(c.securityContext) && has(c.securityContext.windowsOptions) && has(c.securityContext.windowsOptions.hostProcess) && c.securityContext.windowsOptions.hostProcess)"},
		Controls:    check.Controls{ASB: []string{"PV-4", "PA-7"}, CIS: []string{"4.2.1"}, Practice: "container"},
		Attack:      check.AttackHost}},
	{id: "hostProbesAndHostLifecycle", container: "livenessProbe", Meta: check.Meta{
		ID: "K8S-028", Title: "Probe or lifecycle handler targets another host", Severity: finding.SeverityMedium, Area: "pod-security",
		Description: "A probe or lifecycle hook with a host field makes the kubelet send requests to an arbitrary address from the node's network position (a server-side request forgery).",
		Remediation: "Remove the host field from httpGet and tcpSocket in probes and lifecycle handlers; they then target the pod itself.",
		Controls:    check.Controls{ASB: []string{"PV-4", "NS-1"}, Practice: "container"}}},
	{id: "restrictedVolumes", volumes: true, Meta: check.Meta{
		ID: "K8S-026", Title: "Volume type outside the restricted set", Severity: finding.SeverityLow, Area: "pod-security",
		Description: "The restricted standard allows only volume types that do not give access to node or network storage directly (configMap, secret, projected, downwardAPI, emptyDir, csi, persistentVolumeClaim, ephemeral, image).",
		Remediation: "Replace the inline volume source with a PersistentVolumeClaim or one of the allowed types.",
		Controls:    check.Controls{ASB: asbPV4, CIS: []string{"4.2"}, Practice: "container"}}},
	{id: "allowPrivilegeEscalation", container: "securityContext.allowPrivilegeEscalation", Meta: check.Meta{
		ID: "K8S-015", Title: "allowPrivilegeEscalation not false", Severity: finding.SeverityMedium, Area: "pod-security",
		Description: "Unless allowPrivilegeEscalation is false, a process can gain more privileges than its parent through setuid binaries or file capabilities.",
		Remediation: "Set securityContext.allowPrivilegeEscalation: false on every container.",
		Controls:    check.Controls{ASB: asbPV4, CIS: []string{"4.2.5"}, Practice: "container"}}},
	{id: "runAsNonRoot", container: "securityContext.runAsNonRoot", pod: always("securityContext.runAsNonRoot"), Meta: check.Meta{
		ID: "K8S-016", Title: "runAsNonRoot not true", Severity: finding.SeverityMedium, Area: "pod-security",
		Description: "Without runAsNonRoot: true the kubelet will start an image whose user is root; root in a container is one kernel bug away from root on the node.",
		Remediation: "Set spec.securityContext.runAsNonRoot: true (and a non-zero runAsUser if the image has no numeric USER).",
		Controls:    check.Controls{ASB: asbPV4, CIS: []string{"4.2.6"}, Practice: "container"}}},
	{id: "runAsUser", container: "securityContext.runAsUser", pod: always("securityContext.runAsUser"), Meta: check.Meta{
		ID: "K8S-017", Title: "Runs as UID 0", Severity: finding.SeverityHigh, Area: "pod-security",
		Description: "runAsUser: 0 runs the container as root explicitly.",
		Remediation: "Set runAsUser to a non-zero UID (for example 10001) or remove it and set runAsNonRoot: true.",
		Controls:    check.Controls{ASB: asbPV4, CIS: []string{"4.2.6"}, Practice: "container"}}},
	{id: "seccompProfile_restricted", container: "securityContext.seccompProfile", pod: always("securityContext.seccompProfile"), Meta: check.Meta{
		ID: "K8S-020", Title: "seccomp profile not RuntimeDefault or Localhost", Severity: finding.SeverityLow, Area: "pod-security",
		Description: "Without a seccomp profile the container may use every system call. RuntimeDefault blocks the ones most kernel exploits rely on at no cost to normal applications.",
		Remediation: "Set spec.securityContext.seccompProfile.type: RuntimeDefault.",
		Controls:    check.Controls{ASB: asbPV4, CIS: []string{"4.7.2"}, Practice: "container"}}},
	{id: "capabilities_restricted", container: "securityContext.capabilities", Meta: check.Meta{
		ID: "K8S-014", Title: "Capabilities not dropped to the minimum", Severity: finding.SeverityMedium, Area: "pod-security",
		Description: "The restricted standard requires dropping ALL capabilities and adding back at most NET_BIND_SERVICE; default capabilities such as NET_RAW enable spoofing and other attacks.",
		Remediation: "Set securityContext.capabilities.drop: [\"ALL\"] and add only NET_BIND_SERVICE when binding ports below 1024.",
		Controls:    check.Controls{ASB: asbPV4, CIS: []string{"4.2.7", "4.2.8"}, Practice: "container"}}},
	{id: "procMount_restricted", container: "securityContext.procMount", Meta: check.Meta{
		ID: "K8S-035", Title: "Unmasked /proc mount in a user-namespaced pod", Severity: finding.SeverityMedium, Area: "pod-security",
		Description: "From policy version 1.35 the baseline level allows any procMount in pods with hostUsers: false; the restricted level still requires the default masked /proc.",
		Remediation: "Remove securityContext.procMount or set it to Default.",
		Controls:    check.Controls{ASB: asbPV4, Practice: "container"}}},
}

func always(p string) func(*corev1.PodSpec) string { return func(*corev1.PodSpec) string { return p } }

func hostNamespaceField(s *corev1.PodSpec) string {
	switch {
	case s.HostNetwork:
		return "hostNetwork"
	case s.HostPID:
		return "hostPID"
	case s.HostIPC:
		return "hostIPC"
	}
	return ""
}

func init() {
	for i := range specs {
		s := &specs[i]
		lvl := Level(s.id)
		if lvl == "" {
			panic("pss: upstream has no check " + string(s.id))
		}
		s.Controls.PSS = string(lvl) + "/" + string(s.id)
		s.Kinds = inventory.WorkloadKinds
		s.Sources = check.ObjectSources
		s.Description += " (Pod Security Standards, " + string(lvl) + " level, check " + string(s.id) + "; " + pssDocs + ")"
		check.Register(&check.Check{Meta: s.Meta, Eval: s.eval})
	}
}

func (s *spec) eval(ctx *check.Context, obj *inventory.Object, r *check.Report) {
	fn := Active(ctx.Settings.PSS)[s.id]
	if fn == nil {
		return
	}
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	res := fn(ps.Meta, ps.Spec)
	if res.Allowed {
		return
	}
	msg := res.ForbiddenReason
	if res.ForbiddenDetail != "" {
		msg += " (" + res.ForbiddenDetail + ")"
	}
	r.Fail(s.locate(fn, ps), "", "%s", msg)
}

// locate finds the field that made fn fail by evaluating the pod stripped
// down: first with no containers (a pod-level problem), then with one
// container at a time.
func (s *spec) locate(fn policy.CheckPodFn, ps inventory.PodSpec) *field.Path {
	bare := *ps.Spec
	bare.InitContainers, bare.Containers, bare.EphemeralContainers = nil, nil, nil
	if !fn(ps.Meta, &bare).Allowed {
		if s.volumes {
			for i := range ps.Spec.Volumes {
				one := bare
				one.Volumes = ps.Spec.Volumes[i : i+1]
				if !fn(ps.Meta, &one).Allowed {
					return ps.SpecPath.Child("volumes").Index(i)
				}
			}
		}
		if s.pod != nil {
			if f := s.pod(ps.Spec); f != "" {
				return ps.SpecPath.Child(f)
			}
		}
		return ps.SpecPath
	}
	if s.container == "" {
		return ps.SpecPath
	}
	// One container at a time, as a one-item slice of the pod's own list
	// (the checks only read it): copying each container and printing its
	// path to tell the lists apart cost more than the checks themselves.
	init, regular := len(ps.Spec.InitContainers), len(ps.Spec.Containers)
	for i := range init + regular + len(ps.Spec.EphemeralContainers) {
		one := bare
		list, at := "initContainers", i
		switch {
		case i < init:
			one.InitContainers = ps.Spec.InitContainers[i : i+1]
		case i < init+regular:
			list, at = "containers", i-init
			one.Containers = ps.Spec.Containers[at : at+1]
		default:
			list, at = "ephemeralContainers", i-init-regular
			one.EphemeralContainers = ps.Spec.EphemeralContainers[at : at+1]
		}
		if !fn(ps.Meta, &one).Allowed {
			return ps.SpecPath.Child(list).Index(at).Child(s.container)
		}
	}
	return ps.SpecPath
}

// LevelVersion parses the --pss-level and --pss-version flag values.
func LevelVersion(level, version string) (api.LevelVersion, error) {
	l, err := api.ParseLevel(level)
	if err != nil {
		return api.LevelVersion{}, err
	}
	v, err := api.ParseVersion(version)
	if err != nil {
		return api.LevelVersion{}, err
	}
	return api.LevelVersion{Level: l, Version: v}, nil
}
