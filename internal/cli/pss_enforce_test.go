package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --pss-enforce: a workload the namespace's enforced level rejects fails
// the gate at any --fail-on but none, whatever --pss-level reports.
func TestPSSEnforceFlag(t *testing.T) {
	dir := t.TempDir()
	doc := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: app, image: 'app@sha256:0123456789012345678901234567890123456789012345678901234567890123', securityContext: {privileged: true}}\n"
	if err := os.WriteFile(filepath.Join(dir, "web.yaml"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--pss-enforce", "baseline", "--checks", "K8S-037"}, 1, `rejected at admission by Pod Security level "baseline:latest"`},
		{[]string{"--pss-enforce", "baseline", "--checks", "K8S-037", "--fail-on", "critical", "--pss-level", "privileged"}, 1, "K8S-037"},
		{[]string{"--pss-enforce", "baseline", "--checks", "K8S-037", "--fail-on", "none"}, 0, "K8S-037"},
		{[]string{"--checks", "K8S-037"}, 0, ""},
		{[]string{"--pss-enforce", "baseline:1.30"}, 2, "--pss-enforce"},
	} {
		code, out, errOut := run(t, "", append([]string{"scan", "manifests", dir}, tt.args...)...)
		if code != tt.code || !strings.Contains(out+errOut, tt.says) {
			t.Errorf("%v: exit %d, want %d with %q: %s %s", tt.args, code, tt.code, tt.says, out, errOut)
		}
	}
}
