package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-206 reads properties.aadProfile.adminGroupObjectIDs: with Entra ID
// integration, cluster-admin should be held by a named Entra group.
// Clusters without Entra ID are AKS-202's finding.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-206", Title: "No Entra ID admin group", Severity: finding.SeverityLow,
			Description: "The admin groups get cluster-admin through Entra ID. Without one, break-glass access depends on local accounts or ad-hoc role bindings, and nobody can say who administers the cluster.",
			Remediation: "Set an Entra group as cluster admin: az aks update --aad-admin-group-object-ids <group-object-id> (Terraform: admin_group_object_ids), and manage its membership with PIM.",
			Controls:    check.Controls{ASB: []string{"PA-1"}, Practice: "identity-rbac"},
		},
		Reads: []string{"=properties.aadProfile", "properties.aadProfile.adminGroupObjectIDs"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			a := c.P().AADProfile
			if a == nil {
				return
			}
			for _, g := range a.AdminGroupObjectIDs {
				if aksmodel.Str(g) != "" {
					return
				}
			}
			r.Fail(c.Field("aadProfile", "adminGroupObjectIDs"), "", "cluster %s has Entra ID integration but no admin group", c.Label())
		},
	})
}
