package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-408 reads enableFIPS and osType of every node pool: Linux pools of
// regulated workloads should run FIPS 140 validated crypto modules. An
// opt-in profile, hence Info (disable it in the policy where FIPS is not
// required).

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-408", Title: "Linux node pool not FIPS-enabled", Severity: finding.SeverityInfo,
			Description: "FedRAMP, DoD and similar regimes require FIPS 140 validated cryptographic modules on nodes. FIPS must be chosen when a pool is created.",
			Remediation: "Where FIPS is required, create pools with --enable-fips-image (ARM: enableFIPS: true; Terraform: fips_enabled = true). Elsewhere, exclude this check in the policy.",
			Controls:    check.Controls{ASB: []string{"DP-3"}, Practice: "data-protection"},
		},
		Reads: []string{aksmodel.PoolPrefix + "enableFIPS", aksmodel.PoolPrefix + "osType"},
		Eval: func(c *aksmodel.Cluster, pools []*aksmodel.Pool, r *check.Report) {
			for _, p := range pools {
				if p.Linux() && !aksmodel.Bool(p.Profile.EnableFIPS) {
					r.Fail(p.Field("enableFIPS"), "false", "Linux node pool %s of cluster %s does not use FIPS-enabled images", p.Name, c.Label())
				}
			}
		},
	})
}
