package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-104 reads properties.apiServerAccessProfile.enablePrivateCluster and
// .enablePrivateClusterPublicFQDN: a private cluster should not also
// publish its API server's name in public DNS.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-104", Title: "Private cluster publishes a public FQDN", Severity: finding.SeverityLow,
			Description: "With enablePrivateClusterPublicFQDN a private cluster's API server name resolves in public DNS to its private address. It is not reachable from outside, but it discloses the cluster's existence and internal addressing to anyone.",
			Remediation: "Disable it: az aks update --disable-public-fqdn (ARM: apiServerAccessProfile.enablePrivateClusterPublicFQDN: false; Terraform: private_cluster_public_fqdn_enabled = false) and resolve the name through the private DNS zone.",
			Controls:    check.Controls{ASB: []string{"NS-2"}, CIS: []string{"5.4.2"}, Practice: "cluster-api-access"},
		},
		Reads: []string{"properties.apiServerAccessProfile.enablePrivateCluster", "properties.apiServerAccessProfile.enablePrivateClusterPublicFQDN"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			a := c.P().APIServerAccessProfile
			if !c.Private() || a == nil || !aksmodel.Bool(a.EnablePrivateClusterPublicFQDN) {
				return
			}
			r.Fail(c.Field("apiServerAccessProfile", "enablePrivateClusterPublicFQDN"), "true",
				"private cluster %s also publishes its API server name in public DNS", c.Label())
		},
	})
}
