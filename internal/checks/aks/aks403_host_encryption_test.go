package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestHostEncryption(t *testing.T) {
	akstest.Table(t, "AKS-403", []akstest.Case{
		akstest.C("second pool (checkov reads only the first)", akstest.Cluster(`{"agentPoolProfiles": [
			{"name": "system", "enableEncryptionAtHost": true},
			{"name": "apps", "enableEncryptionAtHost": false},
			{"name": "batch"}]}`), "properties.agentPoolProfiles[1].enableEncryptionAtHost", "properties.agentPoolProfiles[2].enableEncryptionAtHost"),
		akstest.C("all encrypted", akstest.Cluster(`{"agentPoolProfiles": [{"name": "system", "enableEncryptionAtHost": true}]}`)),
		akstest.C("no pools", akstest.Cluster(`{}`)),
	})
}

// Separate agentPools resources (az aks nodepool show) join their cluster.
func TestHostEncryptionSeparatePool(t *testing.T) {
	doc := `[` + akstest.Cluster(`{"agentPoolProfiles": [{"name": "system", "enableEncryptionAtHost": true}]}`) + `,
	{"id": "` + akstest.ClusterID + `/agentPools/gpu", "name": "gpu", "type": "Microsoft.ContainerService/managedClusters/agentPools",
	 "properties": {"mode": "User", "enableEncryptionAtHost": false, "vmSize": "Standard_NC6s_v3"}}]`
	got := akstest.Fields(akstest.Run(t, "AKS-403", doc))
	if len(got) != 1 || got[0] != "agentPools[gpu].properties.enableEncryptionAtHost" {
		t.Errorf("got %v", got)
	}
}
