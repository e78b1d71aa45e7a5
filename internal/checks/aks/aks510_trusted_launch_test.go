package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestTrustedLaunch(t *testing.T) {
	akstest.Table(t, "AKS-510", []akstest.Case{
		akstest.C("mixed", akstest.Cluster(`{"agentPoolProfiles": [
			{"name": "a", "securityProfile": {"enableSecureBoot": true, "enableVTPM": true}},
			{"name": "b", "securityProfile": {"enableSecureBoot": true}},
			{"name": "c"}]}`), "properties.agentPoolProfiles[1].securityProfile.enableVTPM", "properties.agentPoolProfiles[2].securityProfile.enableSecureBoot"),
		akstest.C("az spelling", `{"id": "`+akstest.ClusterID+`", "name": "c", "type": "Microsoft.ContainerService/ManagedClusters",
			"agentPoolProfiles": [{"name": "a", "securityProfile": {"enableSecureBoot": true, "enableVtpm": true}}]}`),
	})
}
