package detections

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestDET010(t *testing.T) {
	got := checktest.Detect(t, "DET-010", event("create", "", "pods", "", "kube-system", "coredns-x", "alice"), nil)
	if len(got) != 1 || got[0].Message != "alice created pod kube-system/coredns-x" {
		t.Errorf("user pod in kube-system: %v", got)
	}
	if got := checktest.Detect(t, "DET-010", event("create", "", "pods", "", "kube-system", "", "system:serviceaccount:shop:api"), nil); len(got) != 1 {
		t.Errorf("other namespace's ServiceAccount: %v", got)
	}
	for name, line := range map[string]string{
		"controller": event("create", "", "pods", "", "kube-system", "", "system:serviceaccount:kube-system:replicaset-controller"),
		"node":       event("create", "", "pods", "", "kube-system", "kube-proxy-x", "system:node:aks-1", groups("system:nodes")),
		"shop":       event("create", "", "pods", "", "shop", "web", "alice"),
		"denied":     event("create", "", "pods", "", "kube-system", "x", "alice", code(403)),
	} {
		if got := checktest.Detect(t, "DET-010", line, nil); len(got) != 0 {
			t.Errorf("%s: %v", name, got)
		}
	}
}
