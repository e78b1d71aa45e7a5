package aks

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-308 reads properties.networkProfile.podLinkLocalAccess, a field of
// preview API versions read from the raw JSON: None blocks pods (other
// than host-network pods) from the IMDS endpoint 169.254.169.254. A
// template or plan without it deploys the default, IMDS; a resource read
// back from Azure without it is not assessed (its API version may not
// show the field). An egress NetworkPolicy denying 169.254.169.254/32 is
// the stable alternative.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-308", Title: "Pods can reach the instance metadata service", Severity: finding.SeverityMedium,
			Description: "Any pod that reaches IMDS (169.254.169.254) can request tokens for the node's managed identities, the kubelet identity included, and act as the node in Azure: pull from registries, read what the identity can read.",
			Remediation: "Block IMDS for pods: networkProfile.podLinkLocalAccess: None (preview API; az aks update --pod-link-local-access None with aks-preview), or deny egress to 169.254.169.254/32 in a NetworkPolicy in every namespace; use workload identity for pods that need Azure tokens.",
			Controls:    check.Controls{ASB: []string{"IM-3"}, Practice: "network"},
		},
		Reads: []string{"properties.networkProfile.podLinkLocalAccess"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			v, _ := aksmodel.Lookup(c.Raw, "properties", "networkProfile", "podLinkLocalAccess")
			s, _ := v.(string)
			if strings.EqualFold(s, "None") {
				return
			}
			if s == "" {
				s = "IMDS (default)"
			}
			r.Fail(c.Field("networkProfile", "podLinkLocalAccess"), s, "pods in cluster %s can reach the instance metadata service (podLinkLocalAccess %s)", c.Label(), s)
		},
	})
}
