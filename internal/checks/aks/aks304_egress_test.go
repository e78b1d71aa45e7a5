package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestEgress(t *testing.T) {
	const f = "properties.networkProfile.outboundType"
	ot := func(v string) string { return akstest.Cluster(`{"networkProfile": {"outboundType": "` + v + `"}}`) }
	akstest.Table(t, "AKS-304", []akstest.Case{
		akstest.C("default", akstest.Cluster(`{}`), f),
		akstest.C("load balancer", ot("loadBalancer"), f),
		akstest.C("firewall", ot("userDefinedRouting")),
		akstest.C("managed NAT", ot("managedNATGateway")),
		akstest.C("user NAT", ot("userAssignedNATGateway")),
	})
}
