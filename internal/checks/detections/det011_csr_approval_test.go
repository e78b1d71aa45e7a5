package detections

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestDET011(t *testing.T) {
	got := checktest.Detect(t, "DET-011", event("update", "certificates.k8s.io", "certificatesigningrequests", "approval", "", "csr-x", "alice"), nil)
	if len(got) != 1 || got[0].Message != "alice approved certificate signing request csr-x" {
		t.Errorf("approval: %v", got)
	}
	for name, line := range map[string]string{
		"controller": event("update", "certificates.k8s.io", "certificatesigningrequests", "approval", "", "csr-x", "system:kube-controller-manager"),
		"create csr": event("create", "certificates.k8s.io", "certificatesigningrequests", "", "", "csr-x", "alice"),
		"denied":     event("update", "certificates.k8s.io", "certificatesigningrequests", "approval", "", "csr-x", "alice", code(403)),
	} {
		if got := checktest.Detect(t, "DET-011", line, nil); len(got) != 0 {
			t.Errorf("%s: %v", name, got)
		}
	}
}
