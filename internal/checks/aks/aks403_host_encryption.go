package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-403 reads enableEncryptionAtHost of every node pool: temp disks,
// caches and data flows to storage should be encrypted on the host.
// checkov's ARM check reads only the first pool.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-403", Title: "Node pool without encryption at host", Severity: finding.SeverityMedium,
			Description: "Without encryption at host, the node's temporary disk and the OS and data disk caches are not encrypted: pod ephemeral storage, emptyDir volumes and container images with secrets on them sit in the clear on the host.",
			Remediation: "Create pools with encryption at host (az aks nodepool add --enable-encryption-at-host; ARM: enableEncryptionAtHost: true; Terraform: host_encryption_enabled = true) after registering the EncryptionAtHost feature, and move workloads over.",
			Controls:    check.Controls{ASB: []string{"DP-4"}, Practice: "data-protection"},
		},
		Reads: []string{aksmodel.PoolPrefix + "enableEncryptionAtHost"},
		Eval: func(c *aksmodel.Cluster, pools []*aksmodel.Pool, r *check.Report) {
			for _, p := range pools {
				if !aksmodel.Bool(p.Profile.EnableEncryptionAtHost) {
					r.Fail(p.Field("enableEncryptionAtHost"), "false", "node pool %s of cluster %s does not encrypt at host", p.Name, c.Label())
				}
			}
		},
	})
}
