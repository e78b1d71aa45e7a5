package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-101 reads properties.apiServerAccessProfile.authorizedIPRanges and
// .enablePrivateCluster: a public API server must be limited to
// authorized IP ranges. Private clusters pass (their API server has no
// public endpoint to limit).

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-101", Title: "API server open to all networks", Severity: finding.SeverityHigh,
			Description: "A public AKS API server without authorized IP ranges accepts connections from the whole internet: every credential leak, token theft or API server vulnerability is exploitable from anywhere.",
			Remediation: "Make the cluster private (apiServerAccessProfile.enablePrivateCluster: true), or list the networks that may reach it: az aks update --api-server-authorized-ip-ranges 203.0.113.0/24,198.51.100.10/32 (Terraform: api_server_access_profile { authorized_ip_ranges = [...] }).",
			Controls:    check.Controls{ASB: []string{"NS-2"}, CIS: []string{"5.4.1"}, Practice: "cluster-api-access"},
			Attack:      check.AttackExposed,
		},
		Reads: []string{"properties.apiServerAccessProfile.authorizedIPRanges", "properties.apiServerAccessProfile.enablePrivateCluster"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if c.Private() {
				return
			}
			a := c.P().APIServerAccessProfile
			if a != nil && len(a.AuthorizedIPRanges) > 0 {
				return
			}
			r.Fail(c.Field("apiServerAccessProfile", "authorizedIPRanges"), "",
				"cluster %s has a public API server with no authorized IP ranges: it is reachable from any address", c.Label())
		},
	})
}
