package aks

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-307 reads properties.nodeResourceGroupProfile.restrictionLevel: the
// node resource group (MC_...) should be ReadOnly to everyone but AKS.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-307", Title: "Node resource group not locked down", Severity: finding.SeverityLow,
			Description: "Users with rights on the node resource group can change the cluster's VM scale sets, disks, load balancers and NSGs directly, behind AKS's back: run commands on nodes, attach disks, open ports. ReadOnly lets only AKS change them.",
			Remediation: "Set the restriction level: az aks update --nrg-lockdown-restriction-level ReadOnly (ARM: nodeResourceGroupProfile.restrictionLevel: ReadOnly).",
			Controls:    check.Controls{ASB: []string{"PA-7"}, Practice: "network"},
		},
		Reads: []string{"properties.nodeResourceGroupProfile"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			v := "Unrestricted (default)"
			if p := c.P().NodeResourceGroupProfile; p != nil && p.RestrictionLevel != nil {
				if *p.RestrictionLevel == armcontainerservice.RestrictionLevelReadOnly {
					return
				}
				v = string(*p.RestrictionLevel)
			}
			r.Fail(c.Field("nodeResourceGroupProfile", "restrictionLevel"), v, "cluster %s leaves its node resource group %s", c.Label(), v)
		},
	})
}
