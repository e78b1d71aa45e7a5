package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestAuthorizedIPRanges(t *testing.T) {
	const field = "properties.apiServerAccessProfile.authorizedIPRanges"
	akstest.Table(t, "AKS-101", []akstest.Case{
		akstest.C("no access profile", akstest.Cluster(`{}`), field),
		akstest.C("empty ranges", akstest.Cluster(`{"apiServerAccessProfile": {"authorizedIPRanges": []}}`), field),
		akstest.C("ranges set", akstest.Cluster(`{"apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24"]}}`)),
		akstest.C("private cluster", akstest.Cluster(`{"apiServerAccessProfile": {"enablePrivateCluster": true}}`)),
		akstest.C("az spelling", `{"id": "`+akstest.ClusterID+`", "name": "c", "type": "Microsoft.ContainerService/ManagedClusters",
			"apiServerAccessProfile": {"authorizedIpRanges": ["198.51.100.7/32"], "enablePrivateCluster": false}}`),
	})
}
