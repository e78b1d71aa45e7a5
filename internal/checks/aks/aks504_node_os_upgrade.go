package aks

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-504 reads properties.autoUpgradeProfile.nodeOSUpgradeChannel and
// .upgradeChannel: node OS security updates should be applied
// automatically (NodeImage or SecurityPatch, or the node-image cluster
// channel). None and Unmanaged fail; unset is NodeImage, the default.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-504", Title: "Node OS auto-upgrade off", Severity: finding.SeverityMedium,
			Description: "With nodeOSUpgradeChannel None nodes get no OS security updates; with Unmanaged they rely on the OS's own unattended upgrades and reboots nobody coordinates. Kernel and runtime CVEs stay open on every node.",
			Remediation: "Set the node OS channel to NodeImage or SecurityPatch: az aks update --node-os-upgrade-channel NodeImage (ARM: autoUpgradeProfile.nodeOSUpgradeChannel; Terraform: node_os_upgrade_channel = \"NodeImage\") with a maintenance window.",
			Controls:    check.Controls{ASB: []string{"PV-6"}, Practice: "node-upgrades"},
		},
		Reads: []string{"properties.autoUpgradeProfile"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if upgradeChannel(c) == armcontainerservice.UpgradeChannelNodeImage {
				return
			}
			ch, _ := nodeOSChannel(c)
			switch ch {
			case armcontainerservice.NodeOSUpgradeChannelNone, armcontainerservice.NodeOSUpgradeChannelUnmanaged:
				r.Fail(c.Field("autoUpgradeProfile", "nodeOSUpgradeChannel"), string(ch), "cluster %s does not upgrade node OS images automatically (nodeOSUpgradeChannel %s)", c.Label(), ch)
			}
		},
	})
}
