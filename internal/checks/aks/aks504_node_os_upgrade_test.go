package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestNodeOSUpgrade(t *testing.T) {
	const f = "properties.autoUpgradeProfile.nodeOSUpgradeChannel"
	ch := func(p string) string { return akstest.Cluster(`{"autoUpgradeProfile": ` + p + `}`) }
	akstest.Table(t, "AKS-504", []akstest.Case{
		akstest.C("none", ch(`{"nodeOSUpgradeChannel": "None"}`), f),
		akstest.C("unmanaged", ch(`{"nodeOSUpgradeChannel": "Unmanaged"}`), f),
		akstest.C("node image", ch(`{"nodeOSUpgradeChannel": "NodeImage"}`)),
		akstest.C("security patch", ch(`{"nodeOSUpgradeChannel": "SecurityPatch"}`)),
		akstest.C("unset is NodeImage", akstest.Cluster(`{}`)),
		akstest.C("node-image cluster channel covers it", ch(`{"upgradeChannel": "node-image", "nodeOSUpgradeChannel": "None"}`)),
		akstest.C("az spelling", `{"id": "`+akstest.ClusterID+`", "name": "c", "type": "Microsoft.ContainerService/ManagedClusters", "autoUpgradeProfile": {"nodeOsUpgradeChannel": "None"}}`, f),
	})
}
