package aks

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-306 reads properties.networkProfile.loadBalancerSku: the Standard
// load balancer (the default) is required; Basic is retired.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-306", Title: "Basic load balancer", Severity: finding.SeverityLow,
			Description: "The Basic load balancer is retired (30 September 2025): it has no SLA, no availability zones, is open by default rather than closed, and does not support authorized IP ranges, multiple node pools or private clusters.",
			Remediation: "Migrate to the Standard load balancer (networkProfile.loadBalancerSku: standard; Terraform: load_balancer_sku = \"standard\"), which for AKS means recreating the cluster or following the Basic-to-Standard migration guide.",
			Controls:    check.Controls{ASB: []string{"NS-1"}, Practice: "network"},
		},
		Reads: []string{"properties.networkProfile.loadBalancerSku"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			np := c.P().NetworkProfile
			if np == nil || !strings.EqualFold(aksmodel.Str(np.LoadBalancerSKU), "basic") {
				return
			}
			r.Fail(c.Field("networkProfile", "loadBalancerSku"), aksmodel.Str(np.LoadBalancerSKU), "cluster %s uses the retired Basic load balancer", c.Label())
		},
	})
}
