package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-303 reads enableNodePublicIP of every node pool: nodes should have
// no public IP of their own. checkov looks only at the first pool.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-303", Title: "Node pool gives nodes public IPs", Severity: finding.SeverityHigh,
			Description: "Nodes with their own public IP are directly addressable from the internet: the kubelet, NodePort services and anything listening on the host are exposed, bypassing the load balancer and egress design.",
			Remediation: "Create pools without node public IPs (az aks nodepool add without --enable-node-public-ip; ARM: enableNodePublicIP: false; Terraform: node_public_ip_enabled = false) and move workloads off the old pool.",
			Controls:    check.Controls{ASB: []string{"NS-1"}, CIS: []string{"5.4.3"}, Practice: "network"},
		},
		Reads: []string{aksmodel.PoolPrefix + "enableNodePublicIP"},
		Eval: func(c *aksmodel.Cluster, pools []*aksmodel.Pool, r *check.Report) {
			for _, p := range pools {
				if aksmodel.Bool(p.Profile.EnableNodePublicIP) {
					r.Fail(p.Field("enableNodePublicIP"), "true", "node pool %s of cluster %s gives each node a public IP", p.Name, c.Label())
				}
			}
		},
	})
}
