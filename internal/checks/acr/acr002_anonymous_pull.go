package acr

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-002 (catalog AKS-A02) reads properties.anonymousPullEnabled from
// the raw JSON (the SDK's stable model predates it): anonymous pull must
// be off. Absent is off, the default.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-002", Title: "Registry allows anonymous pull", Severity: finding.SeverityHigh,
			Description: "Anonymous pull lets anyone on the internet (or any network that reaches the registry) download every image: your code, embedded configuration and the secrets that too often ship in layers.",
			Remediation: "Disable it: az acr update --anonymous-pull-enabled false (Terraform: anonymous_pull_enabled = false); give consumers AcrPull instead.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, Practice: "registry"},
			Attack:      check.AttackRegistryAccess,
		},
		Reads: []string{"properties.anonymousPullEnabled"},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			if v, _ := aksmodel.Lookup(g.Raw, "properties", "anonymousPullEnabled"); v == true {
				r.Fail(g.Field("anonymousPullEnabled"), "true", "registry %s lets anyone pull its images without authentication", g.Name)
			}
		},
	})
}
