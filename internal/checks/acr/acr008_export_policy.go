package acr

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-008 (catalog AKS-A08) reads properties.policies.exportPolicy.status:
// artifact export (az acr import/pipeline out of the registry) should be
// disabled; the default is enabled.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-008", Title: "Registry export enabled", Severity: finding.SeverityLow,
			Description: "With export enabled, anyone with the right role can copy artifacts out of the registry to other registries or storage, a data exfiltration path that private endpoints do not cover.",
			Remediation: "Disable exports: az acr update --allow-exports false (Terraform: export_policy_enabled = false); this needs public network access disabled and the Premium SKU.",
			Controls:    check.Controls{ASB: []string{"DP-2"}, Practice: "registry"},
		},
		Reads: []string{"properties.policies.exportPolicy"},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			v := "enabled (default)"
			if p := g.P().Policies; p != nil && p.ExportPolicy != nil && p.ExportPolicy.Status != nil {
				if *p.ExportPolicy.Status == armcontainerregistry.ExportPolicyStatusDisabled {
					return
				}
				v = status(p.ExportPolicy.Status)
			}
			r.Fail(g.Field("policies", "exportPolicy", "status"), v, "registry %s allows exporting its artifacts", g.Name)
		},
	})
}
