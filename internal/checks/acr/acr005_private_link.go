package acr

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-005 (catalog AKS-A05) reads properties.privateEndpointConnections
// (approved connections) or, in templates and plans, the private
// endpoint resources that target the registry: clusters should pull over
// a private link.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-005", Title: "Registry has no private endpoint", Severity: finding.SeverityMedium,
			Description: "Without a private endpoint, nodes pull images over the registry's public endpoint: traffic leaves the virtual network and the registry cannot close its public access.",
			Remediation: "Create a private endpoint for the registry in the cluster's virtual network with the privatelink.azurecr.io DNS zone (az network private-endpoint create --group-id registry ...; Terraform: azurerm_private_endpoint). Requires the Premium SKU.",
			Controls:    check.Controls{ASB: []string{"NS-2"}, Practice: "registry"},
		},
		Reads: []string{"properties.privateEndpointConnections"},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			if g.PrivateEndpoints > 0 {
				return
			}
			r.Fail(field.NewPath("properties", "privateEndpointConnections"), "0", "registry %s has no approved private endpoint connection", g.Name)
		},
	})
}
