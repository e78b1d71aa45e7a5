package aks

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-405 reads osDiskType of every node pool: Ephemeral OS disks keep no
// node state in Azure Storage. Unset leaves the choice to AKS (Ephemeral
// only when the VM size's cache or temp disk fits the OS disk), so it is
// reported too. checkov reads only the first pool.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-405", Title: "Node pool without ephemeral OS disks", Severity: finding.SeverityLow,
			Description: "Managed OS disks persist node state, including anything a compromised container wrote to the host, in Azure Storage beyond the node's life and through reimaging. Ephemeral OS disks live on the host and vanish with it; they are also faster to reimage and upgrade.",
			Remediation: "Use ephemeral OS disks on a VM size whose cache or temp disk fits the OS disk: az aks nodepool add --node-osdisk-type Ephemeral (ARM: osDiskType: Ephemeral; Terraform: os_disk_type = \"Ephemeral\").",
			Controls:    check.Controls{ASB: []string{"DP-4"}, Practice: "data-protection"},
		},
		Reads: []string{aksmodel.PoolPrefix + "osDiskType"},
		Eval: func(c *aksmodel.Cluster, pools []*aksmodel.Pool, r *check.Report) {
			for _, p := range pools {
				t := p.Profile.OSDiskType
				if t != nil && *t == armcontainerservice.OSDiskTypeEphemeral {
					continue
				}
				v := "not set (AKS chooses)"
				if t != nil {
					v = string(*t)
				}
				r.Fail(p.Field("osDiskType"), v, "node pool %s of cluster %s uses %s OS disks, not Ephemeral", p.Name, c.Label(), v)
			}
		},
	})
}
