package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-205 reads properties.disableLocalAccounts: the static cluster-admin
// credential should be disabled.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-205", Title: "Local accounts enabled", Severity: finding.SeverityHigh,
			Description: "With local accounts enabled, anyone allowed to call listClusterAdminCredential gets a cluster-admin certificate that bypasses Entra ID, conditional access and audit by user, and cannot be revoked short of rotating the cluster's certificates.",
			Remediation: "Disable them once Entra ID integration is on: az aks update --disable-local-accounts (ARM: disableLocalAccounts: true; Terraform: local_account_disabled = true).",
			Controls:    check.Controls{ASB: []string{"IM-1", "PA-7"}, Practice: "identity-rbac"},
			Attack:      check.AttackAPIAccess,
		},
		Reads: []string{"properties.disableLocalAccounts"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if aksmodel.Bool(c.P().DisableLocalAccounts) {
				return
			}
			r.Fail(c.Field("disableLocalAccounts"), "false", "cluster %s allows local accounts: a static cluster-admin credential can be downloaded", c.Label())
		},
	})
}
