package aks

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-301 reads properties.networkProfile.networkPolicy: a network policy
// engine (azure, calico or cilium) must enforce NetworkPolicy objects.
// Empty and "none" fail; peers that accept any non-empty value pass
// "none", and kubescape wrongly fails cilium.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-301", Title: "No network policy engine", Severity: finding.SeverityHigh,
			Description: "Without a network policy engine, Kubernetes NetworkPolicy objects are accepted and silently ignored: every pod can reach every other pod and namespace, so one compromised pod reaches databases and the control components.",
			Remediation: "Choose an engine at creation or update: az aks update --network-policy cilium|azure|calico (ARM: networkProfile.networkPolicy; Terraform: network_profile { network_policy = \"cilium\" }), then apply default-deny policies per namespace.",
			Controls:    check.Controls{ASB: []string{"NS-1"}, CIS: []string{"5.4.4"}, Practice: "network"},
		},
		Reads: []string{"properties.networkProfile.networkPolicy"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			np := c.P().NetworkProfile
			v := ""
			if np != nil {
				v = aksmodel.Str(np.NetworkPolicy)
			}
			switch strings.ToLower(v) {
			case "azure", "calico", "cilium":
				return
			case "":
				r.Fail(c.Field("networkProfile", "networkPolicy"), "", "cluster %s has no network policy engine: NetworkPolicy objects are not enforced", c.Label())
			default:
				r.Fail(c.Field("networkProfile", "networkPolicy"), v, "cluster %s sets networkPolicy %q: NetworkPolicy objects are not enforced", c.Label(), v)
			}
		},
	})
}
