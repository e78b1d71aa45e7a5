package aks

import (
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-505 reads the cluster's maintenance configurations (child resources
// managedClusters/maintenanceConfigurations; Terraform's
// maintenance_window_auto_upgrade and maintenance_window_node_os blocks)
// and the upgrade channels: each automatic channel in use should have its
// planned maintenance window, aksManagedAutoUpgradeSchedule for the
// cluster channel and aksManagedNodeOSUpgradeSchedule for the node OS
// channel.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-505", Title: "Auto-upgrade without a planned maintenance window", Severity: finding.SeverityLow,
			Description: "Without a planned maintenance window, automatic upgrades run whenever AKS schedules them, including business hours; teams then switch auto-upgrade off after the first disruption, which is worse.",
			Remediation: "Add the windows: az aks maintenanceconfiguration add --name aksManagedAutoUpgradeSchedule ... and --name aksManagedNodeOSUpgradeSchedule ... (Terraform: maintenance_window_auto_upgrade {} and maintenance_window_node_os {}).",
			Controls:    check.Controls{ASB: []string{"PV-6"}, Practice: "node-upgrades"},
		},
		Reads: []string{aksmodel.GapMaintenance, "properties.autoUpgradeProfile"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			has := func(name string) bool {
				return slices.ContainsFunc(c.MaintenanceConfigurations, func(s string) bool { return strings.EqualFold(s, name) })
			}
			if ch := upgradeChannel(c); ch != "" && ch != armcontainerservice.UpgradeChannelNone && !has("aksManagedAutoUpgradeSchedule") {
				r.Fail(c.Field("autoUpgradeProfile", "upgradeChannel"), string(ch), "cluster %s auto-upgrades (channel %s) without an aksManagedAutoUpgradeSchedule maintenance window", c.Label(), ch)
			}
			if ch, _ := nodeOSChannel(c); (ch == armcontainerservice.NodeOSUpgradeChannelNodeImage || ch == armcontainerservice.NodeOSUpgradeChannelSecurityPatch) && !has("aksManagedNodeOSUpgradeSchedule") {
				r.Fail(c.Field("autoUpgradeProfile", "nodeOSUpgradeChannel"), string(ch), "cluster %s upgrades node OS images (channel %s) without an aksManagedNodeOSUpgradeSchedule maintenance window", c.Label(), ch)
			}
		},
	})
}
