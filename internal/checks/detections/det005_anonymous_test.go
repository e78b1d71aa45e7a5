package detections

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestDET005(t *testing.T) {
	anon := groups("system:unauthenticated")
	got := checktest.Detect(t, "DET-005", event("list", "", "secrets", "", "kube-system", "", "system:anonymous", anon), nil)
	if len(got) != 1 || got[0].Message != "anonymous request allowed: list secrets kube-system/" {
		t.Errorf("anonymous list: %v", got)
	}
	for name, line := range map[string]string{
		"healthz":       event("get", "", "", "", "", "", "system:anonymous", anon, uri("/healthz?verbose")),
		"denied":        event("list", "", "secrets", "", "kube-system", "", "system:anonymous", anon, denied),
		"authenticated": event("list", "", "secrets", "", "kube-system", "", "alice"),
	} {
		if got := checktest.Detect(t, "DET-005", line, nil); len(got) != 0 {
			t.Errorf("%s: %v", name, got)
		}
	}
	if got := checktest.Detect(t, "DET-005", event("get", "", "", "", "", "", "system:anonymous", anon, uri("/api/v1/nodes")), nil); len(got) != 1 {
		t.Errorf("anonymous non-public URL: %v", got)
	}
}
