package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

// Every check declares what it reads, and none passes or fails on a
// cluster whose every field is unknown: it is not assessed instead.
func TestReadsDeclaredAndGapsRespected(t *testing.T) {
	objs := akstest.Load(t, akstest.Cluster(`{"agentPoolProfiles": [{"name": "p", "mode": "System"}]}`))
	c := objs[0].Typed.(*aksmodel.Cluster)
	for _, p := range []string{"properties", "sku", "identity", "agentPools", aksmodel.GapDiagnostics, aksmodel.GapMaintenance, aksmodel.GapRoleAssignments} {
		c.Gaps.Add(p, "test")
	}
	n := 0
	for _, ch := range check.All() {
		if ch.Area != "aks" {
			continue
		}
		n++
		if len(ch.Fields) == 0 {
			t.Errorf("%s declares no reads", ch.ID)
		}
		if fs := akstest.RunObjects(t, ch.ID, objs); len(fs) > 0 {
			t.Errorf("%s judged a cluster it cannot see: %v", ch.ID, fs)
		}
	}
	if n < 50 {
		t.Errorf("only %d aks checks registered", n)
	}
}
