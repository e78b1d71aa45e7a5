package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-204 reads properties.aadProfile.enableAzureRBAC: Kubernetes
// authorization should use Azure RBAC so that access is granted, reviewed
// and revoked with Azure role assignments and PIM.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-204", Title: "Azure RBAC for Kubernetes authorization not enabled", Severity: finding.SeverityMedium,
			Description: "With Azure RBAC for Kubernetes, access to the cluster's API is granted by Azure role assignments: one place to review, just-in-time elevation with PIM, and access removed when an identity is disabled. Without it, RoleBindings inside each cluster are the only record.",
			Remediation: "Enable it: az aks update --enable-azure-rbac (ARM: aadProfile.enableAzureRBAC: true; Terraform: azure_active_directory_role_based_access_control { azure_rbac_enabled = true }) and grant the Azure Kubernetes Service RBAC roles.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, CIS: []string{"5.5.2"}, Practice: "identity-rbac"},
		},
		Reads: []string{"=properties.aadProfile", "properties.aadProfile.enableAzureRBAC"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			a := c.P().AADProfile
			if a != nil && aksmodel.Bool(a.EnableAzureRBAC) {
				return
			}
			path := c.Field("aadProfile", "enableAzureRBAC")
			if a == nil {
				path = c.Field("aadProfile")
			}
			r.Fail(path, "false", "cluster %s does not use Azure RBAC for Kubernetes authorization", c.Label())
		},
	})
}
