package aks

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-302 reads properties.networkProfile.networkPlugin: kubenet is being
// retired; Azure CNI (any mode or dataplane) is the supported plugin.
// "none" (bring your own CNI) is the operator's choice and passes; unset
// fails, because older API versions then pick kubenet.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-302", Title: "Cluster does not use Azure CNI", Severity: finding.SeverityLow,
			Description: "kubenet is retired on AKS (support ends 31 March 2028); it relies on route tables and has no Cilium dataplane or Azure network policy. Azure CNI (overlay) is the supported path and the base for Cilium network policy.",
			Remediation: "Use Azure CNI overlay: networkProfile.networkPlugin: azure with networkPluginMode: overlay (az aks update --network-plugin azure --network-plugin-mode overlay migrates kubenet clusters; Terraform: network_profile { network_plugin = \"azure\", network_plugin_mode = \"overlay\" }).",
			Controls:    check.Controls{ASB: []string{"NS-1"}, Practice: "network"},
		},
		Reads: []string{"properties.networkProfile.networkPlugin"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			np := c.P().NetworkProfile
			v := ""
			if np != nil {
				v = aksmodel.Str(np.NetworkPlugin)
			}
			switch strings.ToLower(v) {
			case "azure", "none":
				return
			case "":
				r.Fail(c.Field("networkProfile", "networkPlugin"), "", "cluster %s does not set a network plugin; older API versions default to kubenet", c.Label())
			default:
				r.Fail(c.Field("networkProfile", "networkPlugin"), v, "cluster %s uses the %s network plugin, which is being retired", c.Label(), v)
			}
		},
	})
}
