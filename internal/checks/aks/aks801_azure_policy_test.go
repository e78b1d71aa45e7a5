package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestAzurePolicy(t *testing.T) {
	akstest.Table(t, "AKS-801", []akstest.Case{
		akstest.C("absent", akstest.Cluster(`{}`), "properties.addonProfiles[azurepolicy].enabled"),
		akstest.C("on", akstest.Cluster(`{"addonProfiles": {"azurepolicy": {"enabled": true}}}`)),
		akstest.C("on, azurePolicy casing", akstest.Cluster(`{"addonProfiles": {"azurePolicy": {"enabled": true, "config": {"version": "v2"}}}}`)),
		akstest.C("off", akstest.Cluster(`{"addonProfiles": {"azurePolicy": {"enabled": false}}}`), "properties.addonProfiles[azurePolicy].enabled"),
	})
}
