package aks

import (
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
)

// logCategories returns the log categories a cluster's diagnostic
// settings export to a destination, lower case. Category groups expand:
// allLogs to everything, audit to the audit categories.
func logCategories(ds []*armmonitor.DiagnosticSettingsResource) (cats map[string]bool, all bool) {
	cats = map[string]bool{}
	for _, d := range ds {
		if d == nil || d.Properties == nil || !hasDestination(d.Properties) {
			continue
		}
		for _, l := range d.Properties.Logs {
			if l == nil || (l.Enabled != nil && !*l.Enabled) {
				continue
			}
			switch g := strings.ToLower(aksmodel.Str(l.CategoryGroup)); g {
			case "alllogs":
				all = true
			case "audit":
				for _, c := range auditGroup {
					cats[c] = true
				}
			}
			if c := aksmodel.Str(l.Category); c != "" {
				cats[strings.ToLower(c)] = true
			}
		}
	}
	return cats, all
}

// auditGroup is what the "audit" category group holds for AKS.
var auditGroup = []string{"kube-audit", "kube-audit-admin", "guard"}

func hasDestination(p *armmonitor.DiagnosticSettings) bool {
	return aksmodel.Str(p.WorkspaceID) != "" || aksmodel.Str(p.StorageAccountID) != "" ||
		aksmodel.Str(p.EventHubAuthorizationRuleID) != "" || aksmodel.Str(p.MarketplacePartnerID) != ""
}

// missing lists the wanted categories not exported.
func missing(ds []*armmonitor.DiagnosticSettingsResource, want ...string) []string {
	cats, all := logCategories(ds)
	if all {
		return nil
	}
	return slices.DeleteFunc(slices.Clone(want), func(c string) bool { return cats[c] })
}
