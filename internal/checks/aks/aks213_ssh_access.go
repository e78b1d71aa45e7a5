package aks

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-213 reads securityProfile.sshAccess of every node pool, a field of
// preview API versions read from the raw JSON. Disabled passes; LocalUser
// (the default) and any other value fail. A template or plan without it
// deploys the default; a pool read back from Azure without it is not
// assessed (its API version may not show the field).

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-213", Title: "SSH access to nodes enabled", Severity: finding.SeverityMedium,
			Description: "With SSH enabled, nodes accept logins with the cluster's SSH key: a long-lived credential that bypasses Kubernetes RBAC and audit and gives root on the node and every pod on it.",
			Remediation: "Disable SSH on every pool: az aks nodepool update --ssh-access disabled (ARM: agentPoolProfiles[].securityProfile.sshAccess: Disabled) and use kubectl debug node/... for troubleshooting.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, Practice: "identity-rbac"},
		},
		Reads: []string{aksmodel.PoolPrefix + "securityProfile.sshAccess"},
		Eval: func(c *aksmodel.Cluster, pools []*aksmodel.Pool, r *check.Report) {
			for _, p := range pools {
				v, _ := aksmodel.Lookup(p.Raw, "securityProfile", "sshAccess")
				s, _ := v.(string)
				if s == "" {
					s = "LocalUser (default)"
				} else if strings.EqualFold(s, "Disabled") {
					continue
				}
				r.Fail(p.Field("securityProfile", "sshAccess"), s, "node pool %s of cluster %s allows SSH to its nodes (sshAccess %s)", p.Name, c.Label(), s)
			}
		},
	})
}
