package aks

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-509 reads type of every node pool: AvailabilitySet pools are
// retired; VirtualMachineScaleSets (the default) and VirtualMachines
// pools pass. checkov reads only the first pool.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-509", Title: "Availability set node pool", Severity: finding.SeverityLow,
			Description: "Availability set pools are retired: they cannot autoscale, use availability zones, run multiple pools or take node image upgrades like scale sets, so nodes fall behind on security updates.",
			Remediation: "Migrate to Virtual Machine Scale Sets pools (ARM: type VirtualMachineScaleSets; Terraform: type = \"VirtualMachineScaleSets\") with the availability-set migration or a new pool.",
			Controls:    check.Controls{Practice: "node-upgrades"},
		},
		Reads: []string{aksmodel.PoolPrefix + "type"},
		Eval: func(c *aksmodel.Cluster, pools []*aksmodel.Pool, r *check.Report) {
			for _, p := range pools {
				if t := p.Profile.Type; t != nil && *t == armcontainerservice.AgentPoolTypeAvailabilitySet {
					r.Fail(p.Field("type"), string(*t), "node pool %s of cluster %s is an availability set pool", p.Name, c.Label())
				}
			}
		},
	})
}
