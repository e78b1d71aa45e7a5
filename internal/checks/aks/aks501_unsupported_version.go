package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-501 reads properties.currentKubernetesVersion (else
// kubernetesVersion), properties.supportPlan and sku.tier: the control
// plane's minor version must still be supported on the scan's day, by
// the community window (N-2) or, on the LTS plan with the Premium tier,
// by long-term support. The embedded calendar (internal/aks/versions.json)
// decides, or in live scans the versions the region offers.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-501", Title: "Kubernetes version out of support", Severity: finding.SeverityHigh,
			Description: "Past the end of support a Kubernetes minor gets no security fixes: AKS gives it platform support at most (no Kubernetes patches) and then upgrades it automatically, on its schedule rather than yours.",
			Remediation: "Upgrade the control plane and then the node pools to a supported minor, one minor at a time (az aks get-upgrades; az aks upgrade --kubernetes-version <v>), and set an auto-upgrade channel; for slower cadences use the LTS plan on the Premium tier.",
			Controls:    check.Controls{ASB: []string{"PV-6"}, Practice: "node-upgrades"},
			Data:        []string{check.DataVersions},
		},
		Reads: []string{"properties.currentKubernetesVersion", "properties.kubernetesVersion", "properties.supportPlan", "sku"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			s, path := c.Version()
			vd, ok := judge(c, s)
			if !ok || vd.supported() {
				return
			}
			r.Fail(path, s, "cluster %s runs Kubernetes %s: %s", c.Label(), s, vd.why())
		},
	})
}
