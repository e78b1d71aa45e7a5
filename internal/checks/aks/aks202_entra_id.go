package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-202 reads properties.aadProfile, .aadProfile.managed and
// .aadProfile.serverAppID: users should authenticate with AKS-managed
// Microsoft Entra ID integration. The legacy integration (managed false,
// or unset with a server application) is AKS-203's subject too.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-202", Title: "Microsoft Entra ID integration not enabled", Severity: finding.SeverityHigh,
			Description: "Without Entra ID integration, cluster access rests on certificates in kubeconfig files that cannot be revoked individually, expire after years and bypass conditional access, MFA and central offboarding.",
			Remediation: "Enable AKS-managed Entra ID: az aks update --enable-aad --aad-admin-group-object-ids <group> (ARM: aadProfile: {managed: true, ...}; Terraform: azure_active_directory_role_based_access_control { ... }).",
			Controls:    check.Controls{ASB: []string{"IM-1"}, CIS: []string{"5.5.1"}, Practice: "identity-rbac"},
		},
		Reads: []string{"=properties.aadProfile", "properties.aadProfile.managed", "properties.aadProfile.serverAppID"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			a := c.P().AADProfile
			switch {
			case a == nil:
				r.Fail(c.Field("aadProfile"), "", "cluster %s has no Microsoft Entra ID integration: users authenticate with client certificates", c.Label())
			case a.Managed != nil && !*a.Managed, a.Managed == nil && aksmodel.Str(a.ServerAppID) != "":
				r.Fail(c.Field("aadProfile", "managed"), "false", "cluster %s uses the legacy, deprecated Entra ID (AAD) integration instead of AKS-managed Entra ID", c.Label())
			}
		},
	})
}
