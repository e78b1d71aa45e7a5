package acr

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-001 (catalog AKS-A01) reads properties.adminUserEnabled: the
// registry's shared admin account should be off.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-001", Title: "Registry admin user enabled", Severity: finding.SeverityHigh,
			Description: "The admin user is one shared username and password with push and pull on every repository; it ends up in pipelines and pull secrets, cannot be scoped or attributed, and is rotated by hand if at all.",
			Remediation: "Disable it (az acr update --admin-enabled false; Terraform: admin_enabled = false) and use Entra identities: AcrPull for clusters (az aks update --attach-acr), AcrPush for pipelines with workload identity federation.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, Practice: "registry"},
			Attack:      check.AttackRegistryAccess,
		},
		Reads: []string{"properties.adminUserEnabled"},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			if aksmodel.Bool(g.P().AdminUserEnabled) {
				r.Fail(g.Field("adminUserEnabled"), "true", "registry %s has the shared admin account enabled", g.Name)
			}
		},
	})
}
