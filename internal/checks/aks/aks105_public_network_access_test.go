package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestPublicNetworkAccess(t *testing.T) {
	const f = "properties.publicNetworkAccess"
	akstest.Table(t, "AKS-105", []akstest.Case{
		akstest.C("private, default", akstest.Cluster(`{"apiServerAccessProfile": {"enablePrivateCluster": true}}`), f),
		akstest.C("private, enabled", akstest.Cluster(`{"publicNetworkAccess": "Enabled", "apiServerAccessProfile": {"enablePrivateCluster": true}}`), f),
		akstest.C("private, disabled", akstest.Cluster(`{"publicNetworkAccess": "Disabled", "apiServerAccessProfile": {"enablePrivateCluster": true}}`)),
		akstest.C("vnet integration (preview field)", akstest.Cluster(`{"apiServerAccessProfile": {"enableVnetIntegration": true, "subnetId": "/subscriptions/x/s"}}`), f),
		akstest.C("public cluster is AKS-103's", akstest.Cluster(`{}`)),
	})
}
