package acr

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-015 (catalog AKS-A15) reads properties.dataEndpointEnabled:
// dedicated data endpoints let firewalls allow this registry's layer
// downloads without allowing all of *.blob.core.windows.net.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-015", Title: "Registry without dedicated data endpoints", Severity: finding.SeverityInfo,
			Description: "Without dedicated data endpoints, layers download from shared storage hostnames, so an egress firewall must allow a wildcard that also reaches attacker-controlled storage accounts.",
			Remediation: "Enable them: az acr update --data-endpoint-enabled (Terraform: data_endpoint_enabled = true) and allow <registry>.<region>.data.azurecr.io in the firewall. Premium SKU.",
			Controls:    check.Controls{ASB: []string{"NS-2"}, Practice: "registry"},
		},
		Reads: []string{"properties.dataEndpointEnabled"},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			if !aksmodel.Bool(g.P().DataEndpointEnabled) {
				r.Fail(g.Field("dataEndpointEnabled"), "false", "registry %s serves layers from shared storage endpoints", g.Name)
			}
		},
	})
}
