package aks

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-105 reads properties.publicNetworkAccess, .apiServerAccessProfile.
// enablePrivateCluster and (preview) .apiServerAccessProfile.
// enableVnetIntegration. For clusters whose API server is private or
// VNet-integrated, public network access to the control plane should be
// Disabled (the default is Enabled). Public clusters are AKS-103's
// business: disabling public access there cuts the only endpoint.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-105", Title: "Public network access to the control plane enabled", Severity: finding.SeverityLow,
			Description: "publicNetworkAccess governs access to the cluster's control plane from public networks. On a private or VNet-integrated cluster leaving it Enabled keeps a public path (for instance for a public FQDN or API server VNet Integration with a public endpoint) that the private design meant to close.",
			Remediation: "Set publicNetworkAccess: Disabled on the managed cluster (az aks update --public-network-access Disabled).",
			Controls:    check.Controls{ASB: []string{"NS-2"}, CIS: []string{"5.4.2"}, Practice: "cluster-api-access"},
		},
		Reads: []string{"properties.publicNetworkAccess", "properties.apiServerAccessProfile.enablePrivateCluster"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if !c.Private() && !c.VNetIntegration() {
				return
			}
			p := c.P().PublicNetworkAccess
			if p != nil && *p == armcontainerservice.PublicNetworkAccessDisabled {
				return
			}
			val := "Enabled (default)"
			if p != nil {
				val = string(*p)
			}
			r.Fail(c.Field("publicNetworkAccess"), val,
				"cluster %s has a private API server but publicNetworkAccess is %s", c.Label(), val)
		},
	})
}
