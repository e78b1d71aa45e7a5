package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestScaleSetPools(t *testing.T) {
	akstest.Table(t, "AKS-509", []akstest.Case{
		akstest.C("availability set", akstest.Cluster(`{"agentPoolProfiles": [{"name": "a", "type": "VirtualMachineScaleSets"}, {"name": "b", "type": "AvailabilitySet"}]}`), "properties.agentPoolProfiles[1].type"),
		akstest.C("scale sets and default", akstest.Cluster(`{"agentPoolProfiles": [{"name": "a", "type": "VirtualMachineScaleSets"}, {"name": "b"}]}`)),
	})
}
