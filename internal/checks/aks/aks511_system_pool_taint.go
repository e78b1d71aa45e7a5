package aks

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-511 reads mode and nodeTaints of every node pool: System pools
// should carry CriticalAddonsOnly=true:NoSchedule so that application
// pods run on User pools, away from CoreDNS, konnectivity and the other
// system add-ons.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-511", Title: "System node pool runs application pods", Severity: finding.SeverityLow,
			Description: "Application pods on the system pool share nodes with CoreDNS, metrics-server, konnectivity and the CSI drivers: a compromised or noisy workload there reaches or starves the components the whole cluster depends on.",
			Remediation: "Taint system pools: az aks nodepool update --node-taints CriticalAddonsOnly=true:NoSchedule (Terraform: default_node_pool { only_critical_addons_enabled = true }) and add a User pool for applications.",
			Controls:    check.Controls{ASB: []string{"PV-3"}, Practice: "node-upgrades"},
		},
		Reads: []string{aksmodel.PoolPrefix + "mode", aksmodel.PoolPrefix + "nodeTaints"},
		Eval: func(c *aksmodel.Cluster, pools []*aksmodel.Pool, r *check.Report) {
			userPools := 0
			for _, p := range pools {
				if !p.System() {
					userPools++
				}
			}
			for _, p := range pools {
				if !p.System() || criticalAddonsOnly(p) {
					continue
				}
				msg := "system node pool %s of cluster %s accepts application pods (no CriticalAddonsOnly=true:NoSchedule taint)"
				if userPools == 0 {
					msg += "; the cluster has no User pool for them"
				}
				r.Fail(p.Field("nodeTaints"), "", msg, p.Name, c.Label())
			}
		},
	})
}

func criticalAddonsOnly(p *aksmodel.Pool) bool {
	for _, t := range p.Profile.NodeTaints {
		if s := strings.ReplaceAll(aksmodel.Str(t), " ", ""); strings.HasPrefix(s, "CriticalAddonsOnly") && strings.HasSuffix(s, ":NoSchedule") {
			return true
		}
	}
	return false
}
