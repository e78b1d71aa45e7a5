package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestContainerInsightsMSI(t *testing.T) {
	oms := func(cfg string) string {
		return akstest.Cluster(`{"addonProfiles": {"omsagent": {"enabled": true, "config": {"logAnalyticsWorkspaceResourceID": "/subscriptions/s/w"` + cfg + `}}}}`)
	}
	const f = "properties.addonProfiles[omsagent].config[useAADAuth]"
	akstest.Table(t, "AKS-604", []akstest.Case{
		akstest.C("msi", oms(`, "useAADAuth": "true"`)),
		akstest.C("key", oms(`, "useAADAuth": "false"`), f),
		akstest.C("default key", oms(``), f),
		akstest.C("off: AKS-603's", akstest.Cluster(`{}`)),
	})
}
