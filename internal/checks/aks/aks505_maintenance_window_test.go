package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestMaintenanceWindow(t *testing.T) {
	cluster := akstest.Cluster(`{"autoUpgradeProfile": {"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"}}`)
	mc := func(name string) string {
		return `{"id": "` + akstest.ClusterID + `/maintenanceConfigurations/` + name + `", "name": "` + name + `",
			"type": "Microsoft.ContainerService/managedClusters/maintenanceConfigurations",
			"properties": {"maintenanceWindow": {"durationHours": 4, "schedule": {"weekly": {"dayOfWeek": "Sunday", "intervalWeeks": 1}}, "startTime": "02:00", "utcOffset": "+01:00"}}}`
	}
	const up, os = "properties.autoUpgradeProfile.upgradeChannel", "properties.autoUpgradeProfile.nodeOSUpgradeChannel"
	akstest.Table(t, "AKS-505", []akstest.Case{
		akstest.C("both windows", `[`+cluster+`,`+mc("aksManagedAutoUpgradeSchedule")+`,`+mc("aksManagedNodeOSUpgradeSchedule")+`]`),
		akstest.C("cluster window only", `[`+cluster+`,`+mc("aksManagedAutoUpgradeSchedule")+`]`, os),
		akstest.C("legacy default config only", `[`+cluster+`,`+mc("default")+`]`, os, up),
		akstest.C("unknown without maintenance documents", cluster),
	})
}
