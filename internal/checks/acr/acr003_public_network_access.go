package acr

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-003 (catalog AKS-A03) reads properties.publicNetworkAccess: the
// registry should accept traffic through private endpoints only.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-003", Title: "Registry public network access enabled", Severity: finding.SeverityMedium,
			Description: "A registry open to public networks can be reached with leaked credentials or tokens from anywhere; with private endpoints only, stolen credentials are useless outside your networks.",
			Remediation: "Reach the registry through private endpoints and disable public access: az acr update --public-network-enabled false (Terraform: public_network_access_enabled = false). Requires the Premium SKU.",
			Controls:    check.Controls{ASB: []string{"NS-2"}, Practice: "registry"},
		},
		Reads: []string{"properties.publicNetworkAccess"},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			if g.PublicAccessDisabled() {
				return
			}
			v := "Enabled (default)"
			if p := g.P().PublicNetworkAccess; p != nil {
				v = string(*p)
			}
			r.Fail(g.Field("publicNetworkAccess"), v, "registry %s accepts traffic from public networks", g.Name)
		},
	})
}
