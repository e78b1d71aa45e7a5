package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestFIPS(t *testing.T) {
	akstest.Table(t, "AKS-408", []akstest.Case{
		akstest.C("linux pools only", akstest.Cluster(`{"agentPoolProfiles": [
			{"name": "system", "enableFIPS": true},
			{"name": "apps", "osType": "Linux"},
			{"name": "win", "osType": "Windows", "osSKU": "Windows2022"}]}`), "properties.agentPoolProfiles[1].enableFIPS"),
	})
}
