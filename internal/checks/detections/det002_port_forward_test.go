package detections

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestDET002(t *testing.T) {
	if got := checktest.Detect(t, "DET-002", event("create", "", "pods", "portforward", "db", "pg-0", "bob"), nil); len(got) != 1 || got[0].Message != "bob port-forwarded to pod db/pg-0" {
		t.Errorf("port-forward: %v", got)
	}
	for _, line := range []string{
		event("create", "", "pods", "portforward", "db", "pg-0", "bob", denied),
		event("create", "", "pods", "exec", "db", "pg-0", "bob"),
	} {
		if got := checktest.Detect(t, "DET-002", line, nil); len(got) != 0 {
			t.Errorf("quiet case fired: %v", got)
		}
	}
}
