package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-404 reads properties.diskEncryptionSetID: node OS and data disks
// should be encrypted with a customer-managed key.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-404", Title: "Node disks not encrypted with a customer-managed key", Severity: finding.SeverityMedium,
			Description: "Without a disk encryption set, node OS and data disks use platform-managed keys that you cannot rotate, revoke or audit; regulated workloads usually require customer-managed keys.",
			Remediation: "Create a disk encryption set with a Key Vault key and set it at cluster creation: az aks create --node-osdisk-diskencryptionset-id <des-id> (ARM: diskEncryptionSetID; Terraform: disk_encryption_set_id).",
			Controls:    check.Controls{ASB: []string{"DP-5"}, Practice: "data-protection"},
		},
		Reads: []string{"properties.diskEncryptionSetID"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if aksmodel.Str(c.P().DiskEncryptionSetID) != "" {
				return
			}
			r.Fail(c.Field("diskEncryptionSetID"), "", "cluster %s encrypts node disks with platform-managed keys only", c.Label())
		},
	})
}
