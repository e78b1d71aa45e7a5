package detections

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestDET006(t *testing.T) {
	ctx := &check.DetectContext{SecretReader: func(user, ns string) bool { return user == "system:serviceaccount:shop:api" && ns == "shop" }}
	got := checktest.Detect(t, "DET-006", event("list", "", "secrets", "", "shop", "", "system:serviceaccount:shop:web"), ctx)
	if len(got) != 1 || got[0].Message != "system:serviceaccount:shop:web, not a known reader of Secrets, ran list on secrets shop/" {
		t.Errorf("unknown reader: %v", got)
	}
	for name, line := range map[string]string{
		"known":          event("get", "", "secrets", "", "shop", "db", "system:serviceaccount:shop:api"),
		"node":           event("get", "", "secrets", "", "shop", "db", "system:node:aks-1", groups("system:nodes")),
		"controller":     event("list", "", "secrets", "", "shop", "", "system:kube-controller-manager"),
		"denied":         event("list", "", "secrets", "", "shop", "", "system:serviceaccount:shop:web", denied),
		"configmaps":     event("list", "", "configmaps", "", "shop", "", "system:serviceaccount:shop:web"),
		"kube-system sa": event("list", "", "secrets", "", "shop", "", "system:serviceaccount:kube-system:csi"),
	} {
		if got := checktest.Detect(t, "DET-006", line, ctx); len(got) != 0 {
			t.Errorf("%s: %v", name, got)
		}
	}
	if got := checktest.Detect(t, "DET-006", event("get", "", "secrets", "", "other", "db", "system:serviceaccount:shop:api"), ctx); len(got) != 1 {
		t.Errorf("known reader in another namespace: %v", got)
	}
}
