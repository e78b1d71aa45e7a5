package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-103 reads properties.apiServerAccessProfile.enablePrivateCluster:
// the API server should have only a private endpoint in the cluster's
// virtual network.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-103", Title: "Cluster is not private", Severity: finding.SeverityMedium,
			Description: "A private cluster's API server is reachable only through a private endpoint in your virtual network, so the control plane is not an internet-facing target at all. Authorized IP ranges narrow a public endpoint; a private one removes it.",
			Remediation: "Create the cluster with --enable-private-cluster (ARM: apiServerAccessProfile.enablePrivateCluster: true; Terraform: private_cluster_enabled = true) and reach it over VPN, ExpressRoute, a jump host or az aks command invoke. Existing clusters can enable API Server VNet Integration instead.",
			Controls:    check.Controls{ASB: []string{"NS-2"}, CIS: []string{"5.4.2", "5.4.3"}, Practice: "cluster-api-access"},
		},
		Reads: []string{"properties.apiServerAccessProfile.enablePrivateCluster"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if c.Private() {
				return
			}
			r.Fail(c.Field("apiServerAccessProfile", "enablePrivateCluster"), "false",
				"cluster %s has a public API server endpoint", c.Label())
		},
	})
}
