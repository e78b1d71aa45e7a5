package aks

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-508 reads sku.tier: production clusters should run the Standard or
// Premium tier (financially backed API server SLA, more control-plane
// capacity); Free is the default.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-508", Title: "Free tier control plane", Severity: finding.SeverityLow,
			Description: "The Free tier has no uptime SLA and a control plane sized for small clusters: an overloaded or unavailable API server stops deployments, scaling and, for security, admission control and audit.",
			Remediation: "Use the Standard tier for production (az aks update --tier standard; ARM: sku.tier Standard; Terraform: sku_tier = \"Standard\"), Premium for LTS.",
			Controls:    check.Controls{Practice: "node-upgrades"},
		},
		Reads: []string{"sku"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			s := c.Model.SKU
			if s != nil && s.Tier != nil && (*s.Tier == armcontainerservice.ManagedClusterSKUTierStandard || *s.Tier == armcontainerservice.ManagedClusterSKUTierPremium || *s.Tier == "Paid") {
				return
			}
			v := "Free (default)"
			if s != nil && s.Tier != nil {
				v = string(*s.Tier)
			}
			r.Fail(top("sku", "tier"), v, "cluster %s runs the %s tier: no API server uptime SLA", c.Label(), v)
		},
	})
}
