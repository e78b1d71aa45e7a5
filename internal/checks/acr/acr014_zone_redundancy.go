package acr

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-014 (catalog AKS-A14) reads properties.zoneRedundancy and the
// registry's geo-replications: the registry clusters pull from should
// survive a zone outage.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-014", Title: "Registry neither zone-redundant nor geo-replicated", Severity: finding.SeverityInfo,
			Description: "When the registry is unavailable, nodes cannot pull images: scaling, node replacement and security patch rollouts stop until it is back.",
			Remediation: "Create the registry zone-redundant (az acr create --zone-redundancy enabled; Terraform: zone_redundancy_enabled = true) or add geo-replications. Premium SKU.",
			Controls:    check.Controls{Practice: "registry"},
		},
		Reads: []string{"properties.zoneRedundancy"},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			if z := g.P().ZoneRedundancy; (z != nil && *z == armcontainerregistry.ZoneRedundancyEnabled) || g.Replications > 0 {
				return
			}
			r.Fail(g.Field("zoneRedundancy"), "Disabled", "registry %s is neither zone-redundant nor geo-replicated", g.Name)
		},
	})
}
