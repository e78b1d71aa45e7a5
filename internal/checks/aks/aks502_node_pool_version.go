package aks

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-502 reads currentOrchestratorVersion (else orchestratorVersion) of
// every node pool and the control plane's version: a pool must run a
// supported minor, not newer than the control plane and not behind it. A
// pool without a version runs the control plane's.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-502", Title: "Node pool version behind or unsupported", Severity: finding.SeverityMedium,
			Description: "Upgrading the control plane does not upgrade node pools. A pool left behind runs an older kubelet and container runtime without the fixes of the control plane's version, and past two minors AKS cannot upgrade it in one step.",
			Remediation: "Upgrade every pool to the control plane's version (az aks nodepool upgrade --kubernetes-version <v>, or az aks upgrade without --control-plane-only); an auto-upgrade channel keeps them together.",
			Controls:    check.Controls{ASB: []string{"PV-6"}, Practice: "node-upgrades"},
			Data:        []string{check.DataVersions},
		},
		Reads: []string{"properties.currentKubernetesVersion", "properties.kubernetesVersion", "properties.supportPlan", "sku",
			aksmodel.PoolPrefix + "currentOrchestratorVersion", aksmodel.PoolPrefix + "orchestratorVersion"},
		Eval: func(c *aksmodel.Cluster, pools []*aksmodel.Pool, r *check.Report) {
			cps, _ := c.Version()
			cp, cpKnown := aksmodel.ParseVersion(cps)
			for _, p := range pools {
				s, path := p.Version()
				v, ok := aksmodel.ParseVersion(s)
				if !ok {
					continue
				}
				var why []string
				if cpKnown {
					switch {
					case cp.Less(v):
						why = append(why, "newer than the control plane's "+cps)
					case v.Less(cp):
						n := (cp.Major-v.Major)*100 + cp.Minor - v.Minor
						why = append(why, "behind the control plane's "+cps+" by "+plural(n, "minor version"))
					}
				}
				// A pool on the control plane's minor shares its support:
				// AKS-501 reports that once for the cluster.
				sameMinor := cpKnown && !v.Less(cp) && !cp.Less(v)
				if vd, ok := judge(c, s); ok && !sameMinor && !vd.supported() {
					why = append(why, vd.why())
				}
				if len(why) > 0 {
					r.Fail(path, s, "node pool %s of cluster %s runs Kubernetes %s: %s", p.Name, c.Label(), s, strings.Join(why, "; "))
				}
			}
		},
	})
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return itoa(n) + " " + word + "s"
}
