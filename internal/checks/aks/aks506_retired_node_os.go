package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-506 reads osSKU, nodeImageVersion and the Kubernetes version of
// every node pool: the pool's OS must not be retired on the scan's day
// (Azure Linux 2.0 / CBL-Mariner, Ubuntu 18.04 and 20.04, Windows Server
// 2019; the list and dates are in internal/aks/versions.json), whatever
// spelling of the SKU the API accepted (Mariner, cblmariner: see
// aksmodel.CanonicalOSSKU). The node
// image version, when the input has it, says which OS release really
// runs; otherwise the osSKU and version imply it.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-506", Title: "Node pool on a retired OS", Severity: finding.SeverityMedium,
			Description: "A retired node OS gets no security updates, and AKS eventually removes its images, so the pool can no longer scale, reimage or upgrade. Kernel and container-runtime vulnerabilities stay open for good.",
			Remediation: "Move the pool to a supported OS SKU (Ubuntu2204/Ubuntu2404, AzureLinux3, Windows2022 or later): add a new pool with the new --os-sku, drain and delete the old one, or upgrade Kubernetes where the SKU's OS follows the version.",
			Controls:    check.Controls{ASB: []string{"PV-6"}, Practice: "node-upgrades"},
			Data:        []string{check.DataVersions},
		},
		Reads: []string{aksmodel.PoolPrefix + "osSKU", aksmodel.PoolPrefix + "nodeImageVersion", aksmodel.PoolPrefix + "orchestratorVersion",
			aksmodel.PoolPrefix + "currentOrchestratorVersion", "properties.currentKubernetesVersion", "properties.kubernetesVersion"},
		Eval: func(c *aksmodel.Cluster, pools []*aksmodel.Pool, r *check.Report) {
			if c.Env == nil || c.Env.Calendar == nil {
				return
			}
			for _, p := range pools {
				s, _ := p.Version()
				if s == "" {
					s, _ = c.Version()
				}
				v, hasV := aksmodel.ParseVersion(s)
				sku := aksmodel.Str(p.Profile.OSSKU)
				image := aksmodel.Str(p.Profile.NodeImageVersion)
				o, retired := c.Env.Calendar.RetiredOS(sku, v, hasV, image, c.Env.AsOf)
				if !retired {
					continue
				}
				path, ev := p.Field("osSKU"), sku
				if image != "" && o.NodeImagePrefix != "" {
					path, ev = p.Field("nodeImageVersion"), image
				}
				msg := "node pool %s of cluster %s runs %s, out of support since %s"
				args := []any{p.Name, c.Label(), o.Name, date(o.EndOfSupport)}
				if o.Note != "" {
					msg += "; %s"
					args = append(args, o.Note)
				}
				r.Fail(path, ev, msg, args...)
			}
		},
	})
}
