package detections

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	_ "github.com/bulwark-sec/bulwark/internal/checks/pss"
	_ "github.com/bulwark-sec/bulwark/internal/checks/workload"
)

func TestDET003(t *testing.T) {
	const (
		privileged = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x","namespace":"shop"},"spec":{"hostPID":true,"containers":[{"name":"c","image":"busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000","securityContext":{"privileged":true}}]}}`
		hardened   = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop"},"spec":{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"c","image":"nginx:1.27","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}}`
	)
	ctx := checktest.DetectContext()
	got := checktest.Detect(t, "DET-003", event("create", "", "pods", "", "shop", "", "mallory", body(privileged)), ctx)
	if len(got) != 1 || got[0].Message != "mallory created pod shop/x that fails K8S-001, K8S-002" {
		t.Errorf("privileged pod: %v", got)
	}
	for name, line := range map[string]string{
		"hardened": event("create", "", "pods", "", "shop", "", "mallory", body(hardened)),
		"denied":   event("create", "", "pods", "", "shop", "", "mallory", body(privileged), denied, code(403)),
		"metadata": event("create", "", "pods", "", "shop", "", "mallory"),
		"update":   event("update", "", "pods", "", "shop", "x", "mallory", body(privileged)),
	} {
		if got := checktest.Detect(t, "DET-003", line, ctx); len(got) != 0 {
			t.Errorf("%s: %v", name, got)
		}
	}
}
