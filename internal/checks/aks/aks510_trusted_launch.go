package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-510 reads securityProfile.enableSecureBoot and .enableVTPM of every
// node pool: nodes should boot with Trusted Launch (secure boot and a
// virtual TPM).

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-510", Title: "Node pool without Trusted Launch", Severity: finding.SeverityLow,
			Description: "Without secure boot, a rootkit or malicious kernel module loaded by a compromised container can persist below the OS; without vTPM the node cannot attest its boot integrity.",
			Remediation: "Create pools with Trusted Launch on a Gen2 VM size: az aks nodepool add --enable-secure-boot --enable-vtpm (ARM: securityProfile.enableSecureBoot and enableVTPM: true).",
			Controls:    check.Controls{ASB: []string{"PV-3"}, Practice: "node-upgrades"},
		},
		Reads: []string{aksmodel.PoolPrefix + "securityProfile.enableSecureBoot", aksmodel.PoolPrefix + "securityProfile.enableVTPM"},
		Eval: func(c *aksmodel.Cluster, pools []*aksmodel.Pool, r *check.Report) {
			for _, p := range pools {
				sp := p.Profile.SecurityProfile
				switch {
				case sp == nil || !aksmodel.Bool(sp.EnableSecureBoot):
					r.Fail(p.Field("securityProfile", "enableSecureBoot"), "false", "node pool %s of cluster %s boots without secure boot", p.Name, c.Label())
				case !aksmodel.Bool(sp.EnableVTPM):
					r.Fail(p.Field("securityProfile", "enableVTPM"), "false", "node pool %s of cluster %s has no virtual TPM", p.Name, c.Label())
				}
			}
		},
	})
}
