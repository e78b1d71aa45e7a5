package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

// Every registry check declares its reads and says nothing about a
// registry whose every field is unknown.
func TestReadsDeclaredAndGapsRespected(t *testing.T) {
	objs := akstest.Load(t, akstest.Registry(`{}`))
	g := objs[0].Typed.(*aksmodel.Registry)
	for _, p := range []string{"properties", "sku", aksmodel.GapDiagnostics, aksmodel.GapTokens, aksmodel.GapWebhooks, aksmodel.GapCacheRules, aksmodel.GapRoleAssignments} {
		g.Gaps.Add(p, "test")
	}
	for _, ch := range check.All() {
		if ch.Area != "acr" {
			continue
		}
		if len(ch.Fields) == 0 {
			t.Errorf("%s declares no reads", ch.ID)
		}
		if fs := akstest.RunObjects(t, ch.ID, objs); len(fs) > 0 {
			t.Errorf("%s judged a registry it cannot see: %v", ch.ID, fs)
		}
	}
}
