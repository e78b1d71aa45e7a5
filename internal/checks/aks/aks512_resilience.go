package aks

import (
	"fmt"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-512 reads availabilityZones, count, minCount, enableAutoScaling and
// maxPods of every node pool: system pools should span at least two zones
// and keep at least three nodes, and no pool should allow fewer than 50
// pods per node (too few to schedule system DaemonSets alongside
// workloads). Resilience baseline, hence Info.

const (
	minSystemNodes = 3
	minZones       = 2
	minMaxPods     = 50
)

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-512", Title: "Node pool below the resilience baseline", Severity: finding.SeverityInfo,
			Description: "A system pool in one zone or with fewer than three nodes loses CoreDNS and the other system add-ons in a zone outage or during upgrades; a very low maxPods leaves no room for the DaemonSets security tooling needs.",
			Remediation: "Spread system pools over zones (availabilityZones: [1, 2, 3]; Terraform: zones), keep at least 3 nodes (count or minCount), and leave maxPods at 50 or more (PSRule Azure.AKS.NodeMinPods).",
			Controls:    check.Controls{Practice: "node-upgrades"},
		},
		Reads: []string{aksmodel.PoolPrefix + "availabilityZones", aksmodel.PoolPrefix + "count", aksmodel.PoolPrefix + "minCount",
			aksmodel.PoolPrefix + "enableAutoScaling", aksmodel.PoolPrefix + "maxPods", aksmodel.PoolPrefix + "mode"},
		Eval: func(c *aksmodel.Cluster, pools []*aksmodel.Pool, r *check.Report) {
			for _, p := range pools {
				pr := p.Profile
				if p.System() {
					if len(pr.AvailabilityZones) < minZones {
						r.Fail(p.Field("availabilityZones"), fmt.Sprint(len(pr.AvailabilityZones)), "system node pool %s of cluster %s is not spread over availability zones", p.Name, c.Label())
					}
					n, path := pr.Count, p.Field("count")
					if aksmodel.Bool(pr.EnableAutoScaling) {
						n, path = pr.MinCount, p.Field("minCount")
					}
					if n != nil && *n < minSystemNodes {
						r.Fail(path, fmt.Sprint(*n), "system node pool %s of cluster %s can run with %d node(s); keep at least %d", p.Name, c.Label(), *n, minSystemNodes)
					}
				}
				if pr.MaxPods != nil && *pr.MaxPods < minMaxPods {
					r.Fail(p.Field("maxPods"), fmt.Sprint(*pr.MaxPods), "node pool %s of cluster %s allows only %d pods per node", p.Name, c.Label(), *pr.MaxPods)
				}
			}
		},
	})
}
