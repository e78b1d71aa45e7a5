package workload

import (
	"regexp"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// K8S-033 reads ports[*].containerPort, command[*] and args[*] of every
// container (init, regular and ephemeral). It reports port 22 and command
// or argument words that start an SSH server (sshd, dropbear, "service ssh
// start", /etc/init.d/ssh). The evidence is the matched word only: shell
// scripts that start sshd often set a password on the same line.

var sshServerRE = regexp.MustCompile(`(?i)(?:^|[^a-z0-9_.-])(sshd|dropbear)(?:[^a-z0-9_-]|$)|\b(service\s+ssh|init\.d/ssh)\b`)

func init() {
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: "K8S-033", Title: "SSH server in a container", Severity: finding.SeverityMedium, Area: "pod-security",
			Description: "An SSH server inside a container is a second, long-lived way in that bypasses Kubernetes authentication, RBAC and audit logging. " +
				"It needs keys or passwords baked into the image or set at start-up, which leak and are rarely rotated, and sshd itself usually has to start as root. " +
				"Anyone who can reach the port, from another pod or through a Service, can try those credentials.",
			Remediation: "Remove the SSH server and port 22. Use kubectl exec or kubectl debug (governed by RBAC on pods/exec and pods/ephemeralcontainers and recorded in the AKS audit log) " +
				"for interactive access, and kubectl cp or a volume for files:\n\n    kubectl debug -it pod/web --image=busybox --target=app",
			Controls: check.Controls{ASB: []string{"PV-4", "NS-1"}, Practice: "container"},
			Kinds:    inventory.WorkloadKinds,
			Sources:  check.ObjectSources,
		},
		Eval: evalSSHServer,
	})
}

func evalSSHServer(_ *check.Context, obj *inventory.Object, r *check.Report) {
	ps, ok := obj.PodSpec()
	if !ok {
		return
	}
	for _, c := range ps.Containers() {
		for i, p := range c.Ports {
			if p.ContainerPort == 22 {
				r.Fail(c.Path.Child("ports").Index(i).Child("containerPort"), "22", "%s exposes port 22 (SSH)", containerRef(c))
			}
		}
		for _, list := range []struct {
			name  string
			items []string
		}{{"command", c.Command}, {"args", c.Args}} {
			for i, s := range list.items {
				if word, ok := sshServerWord(s); ok {
					r.Fail(c.Path.Child(list.name).Index(i), word, "%s starts an SSH server: %s[%d] runs %s", containerRef(c), list.name, i, word)
				}
			}
		}
	}
}

// sshServerWord returns the word of s that starts an SSH server.
func sshServerWord(s string) (string, bool) {
	m := sshServerRE.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	w := m[1] + m[2]
	return strings.Join(strings.Fields(w), " "), true
}
