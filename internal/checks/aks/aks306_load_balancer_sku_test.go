package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestLoadBalancerSKU(t *testing.T) {
	akstest.Table(t, "AKS-306", []akstest.Case{
		akstest.C("basic", akstest.Cluster(`{"networkProfile": {"loadBalancerSku": "basic"}}`), "properties.networkProfile.loadBalancerSku"),
		akstest.C("Basic, other casing", akstest.Cluster(`{"networkProfile": {"loadBalancerSku": "Basic"}}`), "properties.networkProfile.loadBalancerSku"),
		akstest.C("standard", akstest.Cluster(`{"networkProfile": {"loadBalancerSku": "standard"}}`)),
		akstest.C("default is standard", akstest.Cluster(`{}`)),
	})
}
