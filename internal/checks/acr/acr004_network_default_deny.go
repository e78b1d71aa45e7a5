package acr

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-004 (catalog AKS-A04) reads properties.networkRuleSet.defaultAction
// and properties.publicNetworkAccess: while public access is on, the
// registry firewall should deny by default and allow listed networks.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-004", Title: "Registry firewall allows all networks", Severity: finding.SeverityMedium,
			Description: "With public access on and the firewall's default action Allow, every network on the internet can reach the registry's login and data endpoints.",
			Remediation: "Set networkRuleSet.defaultAction: Deny with IP rules for your build agents (az acr update --default-action Deny; az acr network-rule add), or disable public access altogether (ACR-003). Requires the Premium SKU.",
			Controls:    check.Controls{ASB: []string{"NS-2"}, Practice: "registry"},
			Attack:      check.AttackExposed,
		},
		Reads: []string{"properties.networkRuleSet.defaultAction", "properties.publicNetworkAccess"},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			if g.PublicAccessDisabled() {
				return
			}
			nrs := g.P().NetworkRuleSet
			if nrs != nil && nrs.DefaultAction != nil && *nrs.DefaultAction == armcontainerregistry.DefaultActionDeny {
				return
			}
			v := "Allow (default)"
			if nrs != nil && nrs.DefaultAction != nil {
				v = string(*nrs.DefaultAction)
			}
			r.Fail(g.Field("networkRuleSet", "defaultAction"), v, "registry %s accepts traffic from every public network (firewall default action %s)", g.Name, v)
		},
	})
}
