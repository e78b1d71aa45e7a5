package aks

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-304 reads properties.networkProfile.outboundType: egress should go
// through a path you control (user-defined routing to a firewall, or a NAT
// gateway with known addresses) rather than the load balancer's default
// SNAT (loadBalancer, the default).

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-304", Title: "Egress not through a controlled path", Severity: finding.SeverityLow,
			Description: "With outboundType loadBalancer, pods reach any internet destination through the cluster's load balancer: exfiltration and command-and-control traffic leave unfiltered and unlogged. Routing egress through Azure Firewall (userDefinedRouting) lets you allow-list and log destinations.",
			Remediation: "Route egress through a firewall: networkProfile.outboundType: userDefinedRouting with a route table to Azure Firewall (or a NAT gateway, managedNATGateway / userAssignedNATGateway, at least for fixed, allow-listable addresses). Terraform: network_profile { outbound_type = \"userDefinedRouting\" }.",
			Controls:    check.Controls{ASB: []string{"NS-3"}, Practice: "network"},
		},
		Reads: []string{"properties.networkProfile.outboundType"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			v := armcontainerservice.OutboundTypeLoadBalancer
			if np := c.P().NetworkProfile; np != nil && np.OutboundType != nil {
				v = *np.OutboundType
			}
			switch v {
			case armcontainerservice.OutboundTypeUserDefinedRouting, armcontainerservice.OutboundTypeManagedNATGateway, armcontainerservice.OutboundTypeUserAssignedNATGateway:
				return
			}
			if string(v) == "none" || string(v) == "block" {
				return // preview outbound types with no internet egress at all
			}
			r.Fail(c.Field("networkProfile", "outboundType"), string(v), "cluster %s sends egress through outbound type %s: pod traffic to the internet is not filtered", c.Label(), v)
		},
	})
}
