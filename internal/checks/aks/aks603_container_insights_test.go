package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestContainerInsights(t *testing.T) {
	const ws = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law"
	akstest.Table(t, "AKS-603", []akstest.Case{
		akstest.C("absent", akstest.Cluster(`{}`), "properties.addonProfiles[omsagent].enabled"),
		akstest.C("on", akstest.Cluster(`{"addonProfiles": {"omsagent": {"enabled": true, "config": {"logAnalyticsWorkspaceResourceID": "`+ws+`"}}}}`)),
		akstest.C("on, omsAgent casing", akstest.Cluster(`{"addonProfiles": {"omsAgent": {"enabled": true, "config": {"logAnalyticsWorkspaceResourceID": "`+ws+`"}}}}`)),
		akstest.C("on without workspace", akstest.Cluster(`{"addonProfiles": {"omsagent": {"enabled": true}}}`), "properties.addonProfiles[omsagent].config[logAnalyticsWorkspaceResourceID]"),
		akstest.C("azure monitor profile (preview)", akstest.Cluster(`{"azureMonitorProfile": {"containerInsights": {"enabled": true, "logAnalyticsWorkspaceResourceId": "`+ws+`"}}}`)),
	})
}
