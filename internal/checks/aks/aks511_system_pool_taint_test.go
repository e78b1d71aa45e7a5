package aks

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestSystemPoolTaint(t *testing.T) {
	akstest.Table(t, "AKS-511", []akstest.Case{
		akstest.C("tainted", akstest.Cluster(`{"agentPoolProfiles": [
			{"name": "sys", "mode": "System", "nodeTaints": ["CriticalAddonsOnly=true:NoSchedule"]}, {"name": "apps", "mode": "User"}]}`)),
		akstest.C("untainted", akstest.Cluster(`{"agentPoolProfiles": [
			{"name": "sys", "mode": "System", "nodeTaints": ["dedicated=infra:PreferNoSchedule"]}, {"name": "apps", "mode": "User"}]}`), "properties.agentPoolProfiles[0].nodeTaints"),
		akstest.C("user pools are not this check's", akstest.Cluster(`{"agentPoolProfiles": [{"name": "apps", "mode": "User"}]}`)),
	})
	fs := akstest.Run(t, "AKS-511", akstest.Cluster(`{"agentPoolProfiles": [{"name": "sys", "mode": "System"}]}`))
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "no User pool") {
		t.Errorf("single pool message: %+v", fs)
	}
}
