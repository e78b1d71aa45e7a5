package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestEphemeralOSDisk(t *testing.T) {
	akstest.Table(t, "AKS-405", []akstest.Case{
		akstest.C("mixed", akstest.Cluster(`{"agentPoolProfiles": [
			{"name": "system", "osDiskType": "Ephemeral"},
			{"name": "apps", "osDiskType": "Managed"},
			{"name": "batch"}]}`), "properties.agentPoolProfiles[1].osDiskType", "properties.agentPoolProfiles[2].osDiskType"),
		akstest.C("all ephemeral", akstest.Cluster(`{"agentPoolProfiles": [{"name": "system", "osDiskType": "Ephemeral"}]}`)),
	})
}
