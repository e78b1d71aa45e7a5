package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-513 reads the control plane's version like AKS-501 and reports a
// supported minor whose support (community, or LTS on the LTS plan) ends
// within Env.NearEndDays (default 60) of the scan's day.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-513", Title: "Kubernetes version near end of support", Severity: finding.SeverityMedium,
			Description: "A minor version about to leave support needs an upgrade planned now: upgrades go one minor at a time, need testing against API removals, and AKS upgrades clusters that fall behind on its own schedule.",
			Remediation: "Plan the upgrade before the date in the message (az aks get-upgrades), test workloads against the next minor's removed APIs, and set an auto-upgrade channel so this does not recur.",
			Controls:    check.Controls{ASB: []string{"PV-6"}, Practice: "node-upgrades"},
			Data:        []string{check.DataVersions},
		},
		Reads: []string{"properties.currentKubernetesVersion", "properties.kubernetesVersion", "properties.supportPlan", "sku"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			s, path := c.Version()
			vd, ok := judge(c, s)
			if !ok || !vd.supported() || vd.status.Ends.IsZero() {
				return
			}
			days := vd.status.DaysLeft(c.Env.AsOf)
			window := c.Env.NearEndDays
			if window <= 0 {
				window = aksmodel.DefaultNearEndDays
			}
			if days > window {
				return
			}
			r.Fail(path, s, "cluster %s runs Kubernetes %s, whose support ends on %s (in %d days)%s", c.Label(), s, date(vd.status.Ends), days, projected(vd.status.Minor))
		},
	})
}
