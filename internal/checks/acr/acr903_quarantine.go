package acr

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-903 (catalog AKS-903) reads properties.policies.quarantinePolicy.
// status: new images should be quarantined until a scanner releases them.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-903", Title: "Registry quarantine not enabled", Severity: finding.SeverityLow,
			Description: "Without quarantine, an image is pullable the moment it is pushed, before any scan: a vulnerable or malicious image reaches clusters in the window between push and the scanner's verdict.",
			Remediation: "Enable quarantine (az acr update --quarantine-policy enabled, preview; Terraform: quarantine_policy_enabled = true) and let the scanning pipeline release images with AcrQuarantineWriter.",
			Controls:    check.Controls{ASB: []string{"DS-6"}, Practice: "build"},
		},
		Reads: []string{"properties.policies.quarantinePolicy"},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			if p := g.P().Policies; p != nil && p.QuarantinePolicy != nil && p.QuarantinePolicy.Status != nil && *p.QuarantinePolicy.Status == armcontainerregistry.PolicyStatusEnabled {
				return
			}
			r.Fail(g.Field("policies", "quarantinePolicy", "status"), "disabled", "registry %s serves images before they are scanned (no quarantine)", g.Name)
		},
	})
}
