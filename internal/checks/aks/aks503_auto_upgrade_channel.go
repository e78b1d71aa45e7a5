package aks

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-503 reads properties.autoUpgradeProfile.upgradeChannel: a cluster
// auto-upgrade channel (patch, stable, rapid or node-image) should be set;
// none and unset (the API default) fail.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-503", Title: "Cluster auto-upgrade channel not set", Severity: finding.SeverityMedium,
			Description: "Without an auto-upgrade channel, Kubernetes patch releases with security fixes are applied only when someone remembers, and clusters drift out of support.",
			Remediation: "Set a channel, at least patch: az aks update --auto-upgrade-channel patch|stable (ARM: autoUpgradeProfile.upgradeChannel; Terraform: automatic_upgrade_channel = \"patch\") and a planned maintenance window (AKS-505).",
			Controls:    check.Controls{ASB: []string{"PV-6"}, Practice: "node-upgrades"},
		},
		Reads: []string{"properties.autoUpgradeProfile.upgradeChannel"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			ch := upgradeChannel(c)
			if ch != "" && ch != armcontainerservice.UpgradeChannelNone {
				return
			}
			v := string(ch)
			if v == "" {
				v = "none (default)"
			}
			r.Fail(c.Field("autoUpgradeProfile", "upgradeChannel"), v, "cluster %s has no auto-upgrade channel: Kubernetes patches are applied by hand", c.Label())
		},
	})
}

func upgradeChannel(c *aksmodel.Cluster) armcontainerservice.UpgradeChannel {
	if a := c.P().AutoUpgradeProfile; a != nil && a.UpgradeChannel != nil {
		return *a.UpgradeChannel
	}
	return ""
}

// nodeOSChannel returns the node OS upgrade channel; unset is NodeImage,
// the API default for new clusters since the channel exists.
func nodeOSChannel(c *aksmodel.Cluster) (armcontainerservice.NodeOSUpgradeChannel, bool) {
	if a := c.P().AutoUpgradeProfile; a != nil && a.NodeOSUpgradeChannel != nil {
		return *a.NodeOSUpgradeChannel, true
	}
	return armcontainerservice.NodeOSUpgradeChannelNodeImage, false
}
