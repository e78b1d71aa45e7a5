package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestNodePoolVersion(t *testing.T) {
	doc := func(cp string, pools ...string) string {
		ps := ""
		for i, p := range pools {
			if i > 0 {
				ps += ","
			}
			ps += `{"name": "p` + string(rune('0'+i)) + `", "currentOrchestratorVersion": "` + p + `"}`
		}
		return akstest.Cluster(`{"currentKubernetesVersion": "` + cp + `", "agentPoolProfiles": [` + ps + `]}`)
	}
	akstest.Table(t, "AKS-502", []akstest.Case{
		akstest.C("in step", doc("1.35.3", "1.35.3", "1.35.1")),
		akstest.C("one behind, still supported", doc("1.36.1", "1.36.1", "1.35.3"), "properties.agentPoolProfiles[1].currentOrchestratorVersion"),
		akstest.C("behind and unsupported", doc("1.34.6", "1.32.9"), "properties.agentPoolProfiles[0].currentOrchestratorVersion"),
		akstest.C("same unsupported minor is AKS-501's", doc("1.33.2", "1.33.2")),
		akstest.C("pool without a version runs the control plane's", akstest.Cluster(`{"currentKubernetesVersion": "1.35.3", "agentPoolProfiles": [{"name": "p"}]}`)),
		akstest.C("template versions", akstest.Cluster(`{"kubernetesVersion": "1.35", "agentPoolProfiles": [{"name": "p", "orchestratorVersion": "1.34"}]}`), "properties.agentPoolProfiles[0].orchestratorVersion"),
	})
}
