package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestPrivatePublicFQDN(t *testing.T) {
	akstest.Table(t, "AKS-104", []akstest.Case{
		akstest.C("private with public fqdn", akstest.Cluster(`{"apiServerAccessProfile": {"enablePrivateCluster": true, "enablePrivateClusterPublicFQDN": true}}`), "properties.apiServerAccessProfile.enablePrivateClusterPublicFQDN"),
		akstest.C("private without", akstest.Cluster(`{"apiServerAccessProfile": {"enablePrivateCluster": true, "enablePrivateClusterPublicFQDN": false}}`)),
		akstest.C("public cluster: not applicable", akstest.Cluster(`{"apiServerAccessProfile": {"enablePrivateClusterPublicFQDN": true}}`)),
	})
}
