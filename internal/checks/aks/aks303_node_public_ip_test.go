package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestNodePublicIP(t *testing.T) {
	akstest.Table(t, "AKS-303", []akstest.Case{
		akstest.C("every pool, not only the first", akstest.Cluster(`{"agentPoolProfiles": [
			{"name": "system", "mode": "System", "enableNodePublicIP": false},
			{"name": "edge", "mode": "User", "enableNodePublicIP": true}]}`), "properties.agentPoolProfiles[1].enableNodePublicIP"),
		akstest.C("none", akstest.Cluster(`{"agentPoolProfiles": [{"name": "system", "mode": "System"}]}`)),
		akstest.C("az spelling", `{"id": "`+akstest.ClusterID+`", "name": "c", "type": "Microsoft.ContainerService/ManagedClusters",
			"agentPoolProfiles": [{"name": "np", "enableNodePublicIp": true}]}`, "properties.agentPoolProfiles[0].enableNodePublicIP"),
	})
}
