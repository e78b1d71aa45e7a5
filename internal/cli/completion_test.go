package cli

import (
	"strings"
	"testing"
)

// TestCompletion: every shell gets cobra's script, and the scripts' hidden
// __complete command offers check ids (with titles), formats and
// severities from the catalog.
func TestCompletion(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, errs := run(t, "", "completion", sh)
		if code != 0 || !strings.Contains(out, "bulwark") || len(out) < 1000 {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %s", sh, code, len(out), errs)
		}
	}
	for _, c := range []struct {
		args      []string
		want, not string
	}{
		{[]string{"checks", "explain", "K8S-00"}, "K8S-001\t", "AKS-"},
		{[]string{"checks", "explain", "k8s-001"}, "K8S-001\tPrivileged container", "K8S-002"},
		{[]string{"scan", "manifests", "--checks", "K8S-001,AKS-10"}, "K8S-001,AKS-101\t", "K8S-002"},
		{[]string{"scan", "aks", "--skip-checks", "ACR"}, "ACR-", "K8S-"},
		{[]string{"scan", "manifests", "--format", ""}, "sarif", "K8S-"},
		{[]string{"scan", "cluster", "--fail-on", ""}, "critical", "sarif"},
	} {
		code, out, errs := run(t, "", append([]string{"__complete"}, c.args...)...)
		if code != 0 || !strings.Contains(out, c.want) || strings.Contains(out, c.not) {
			t.Errorf("__complete %q: exit %d, want %q and no %q in\n%s%s", c.args, code, c.want, c.not, out, errs)
		}
	}
}
