package acr

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-007 (catalog AKS-A07) reads properties.policies.
// azureADAuthenticationAsArmPolicy.status from the raw JSON (newer than
// the SDK's stable model): the registry should refuse Entra tokens issued
// for the ARM audience. Absent, the check is not assessed.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-007", Title: "Registry accepts ARM-audience tokens", Severity: finding.SeverityLow,
			Description: "By default ACR accepts Entra tokens issued for Azure Resource Manager: any token stolen from a tool that manages Azure also works against the registry. Requiring registry-audience tokens limits the blast radius of a token leak.",
			Remediation: "Disable ARM-audience tokens: az acr config authentication-as-arm update --registry <name> --status disabled (ARM: policies.azureADAuthenticationAsArmPolicy.status: disabled).",
			Controls:    check.Controls{ASB: []string{"IM-1"}, Practice: "registry"},
		},
		Reads: []string{"properties.policies.azureADAuthenticationAsArmPolicy"},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			s, _ := g.RawString("policies", "azureADAuthenticationAsArmPolicy", "status")
			if strings.EqualFold(s, "disabled") {
				return
			}
			if s == "" {
				s = "enabled (default)"
			}
			r.Fail(g.Field("policies", "azureADAuthenticationAsArmPolicy", "status"), s, "registry %s accepts Entra tokens issued for Azure Resource Manager", g.Name)
		},
	})
}
