package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestAzureCNI(t *testing.T) {
	const f = "properties.networkProfile.networkPlugin"
	akstest.Table(t, "AKS-302", []akstest.Case{
		akstest.C("kubenet", akstest.Cluster(`{"networkProfile": {"networkPlugin": "kubenet"}}`), f),
		akstest.C("unset", akstest.Cluster(`{}`), f),
		akstest.C("azure overlay", akstest.Cluster(`{"networkProfile": {"networkPlugin": "azure", "networkPluginMode": "overlay"}}`)),
		akstest.C("bring your own CNI", akstest.Cluster(`{"networkProfile": {"networkPlugin": "none"}}`)),
	})
}
