package acr

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-006 (catalog AKS-A06) reads the registry's tokens
// (registries/tokens, status): repository-scoped access tokens should be
// disabled in favour of Entra identities.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-006", Title: "Repository-scoped access token enabled", Severity: finding.SeverityLow,
			Description: "Repository-scoped tokens are passwords outside Entra ID: no conditional access, no sign-in logs by identity, and expiry only if someone set one. They are easy to leak in pull secrets and CI variables.",
			Remediation: "Disable or delete tokens (az acr token update --status disabled; az acr token delete) and grant Entra identities the AcrPull or repository-scoped ABAC roles instead.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, Practice: "registry"},
		},
		Reads: []string{aksmodel.GapTokens},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			for _, t := range g.Tokens {
				if t.Enabled {
					r.Fail(t.Path.Child("properties", "status"), "enabled", "registry %s has enabled repository-scoped token %s", g.Name, t.Name)
				}
			}
		},
	})
}
