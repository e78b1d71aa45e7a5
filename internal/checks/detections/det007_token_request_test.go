package detections

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestDET007(t *testing.T) {
	got := checktest.Detect(t, "DET-007", event("create", "", "serviceaccounts", "token", "shop", "deployer", "alice"), nil)
	if len(got) != 1 || got[0].Message != "alice requested a token for ServiceAccount shop/deployer" {
		t.Errorf("token for another: %v", got)
	}
	for name, line := range map[string]string{
		"own":     event("create", "", "serviceaccounts", "token", "shop", "api", "system:serviceaccount:shop:api"),
		"kubelet": event("create", "", "serviceaccounts", "token", "shop", "api", "system:node:aks-1", groups("system:nodes", "system:authenticated")),
		"denied":  event("create", "", "serviceaccounts", "token", "shop", "deployer", "alice", code(403)),
		"get sa":  event("get", "", "serviceaccounts", "", "shop", "deployer", "alice"),
	} {
		if got := checktest.Detect(t, "DET-007", line, nil); len(got) != 0 {
			t.Errorf("%s: %v", name, got)
		}
	}
}
