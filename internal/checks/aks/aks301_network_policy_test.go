package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestNetworkPolicy(t *testing.T) {
	np := func(v string) string {
		return akstest.Cluster(`{"networkProfile": {"networkPlugin": "azure", "networkPolicy": ` + v + `}}`)
	}
	const f = "properties.networkProfile.networkPolicy"
	akstest.Table(t, "AKS-301", []akstest.Case{
		akstest.C("none is not a policy engine", np(`"none"`), f),
		akstest.C("unset", akstest.Cluster(`{"networkProfile": {"networkPlugin": "azure"}}`), f),
		akstest.C("null", np(`null`), f),
		akstest.C("azure", np(`"azure"`)),
		akstest.C("calico", np(`"calico"`)),
		akstest.C("cilium (kubescape gets this wrong)", np(`"cilium"`)),
	})
}
