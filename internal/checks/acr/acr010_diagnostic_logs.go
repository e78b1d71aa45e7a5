package acr

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-010 (catalog AKS-A10) reads the registry's diagnostic settings:
// ContainerRegistryLoginEvents and ContainerRegistryRepositoryEvents (or
// the allLogs or audit category groups) should go to a destination.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-010", Title: "Registry logs not exported", Severity: finding.SeverityMedium,
			Description: "Without login and repository event logs nobody can tell who pushed, deleted or pulled an image, or from where a leaked credential was used: a poisoned image cannot be traced.",
			Remediation: "Add a diagnostic setting on the registry sending ContainerRegistryLoginEvents and ContainerRegistryRepositoryEvents to Log Analytics (az monitor diagnostic-settings create --resource <registry-id> ...; Terraform: azurerm_monitor_diagnostic_setting).",
			Controls:    check.Controls{ASB: []string{"LT-3"}, Practice: "registry"},
		},
		Reads: []string{aksmodel.GapDiagnostics},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			want := map[string]bool{"containerregistryloginevents": false, "containerregistryrepositoryevents": false}
			for _, d := range g.Diagnostics {
				p := d.Properties
				if p == nil || aksmodel.Str(p.WorkspaceID)+aksmodel.Str(p.StorageAccountID)+aksmodel.Str(p.EventHubAuthorizationRuleID)+aksmodel.Str(p.MarketplacePartnerID) == "" {
					continue
				}
				for _, l := range p.Logs {
					if l == nil || (l.Enabled != nil && !*l.Enabled) {
						continue
					}
					switch strings.ToLower(aksmodel.Str(l.CategoryGroup)) {
					case "alllogs", "audit":
						return
					}
					if c := strings.ToLower(aksmodel.Str(l.Category)); c != "" {
						if _, ok := want[c]; ok {
							want[c] = true
						}
					}
				}
			}
			var miss []string
			for _, c := range []string{"ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"} {
				if !want[strings.ToLower(c)] {
					miss = append(miss, c)
				}
			}
			if len(miss) > 0 {
				r.Fail(field.NewPath(aksmodel.GapDiagnostics), strings.Join(miss, ","), "registry %s does not export %s", g.Name, strings.Join(miss, " and "))
			}
		},
	})
}
