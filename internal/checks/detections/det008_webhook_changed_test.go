package detections

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestDET008(t *testing.T) {
	got := checktest.Detect(t, "DET-008", event("delete", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", "", "bulwark", "mallory"), nil)
	if len(got) != 1 || got[0].Message != "mallory ran delete on admissionregistration.k8s.io/validatingwebhookconfigurations bulwark" {
		t.Errorf("webhook deleted: %v", got)
	}
	for name, line := range map[string]string{
		"read":      event("list", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", "", "", "mallory"),
		"denied":    event("delete", "admissionregistration.k8s.io", "validatingwebhookconfigurations", "", "", "bulwark", "mallory", code(403)),
		"apiserver": event("update", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "", "", "x", "system:kube-controller-manager"),
	} {
		if got := checktest.Detect(t, "DET-008", line, nil); len(got) != 0 {
			t.Errorf("%s: %v", name, got)
		}
	}
}
