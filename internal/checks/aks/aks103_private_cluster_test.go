package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestPrivateCluster(t *testing.T) {
	akstest.Table(t, "AKS-103", []akstest.Case{
		akstest.C("public", akstest.Cluster(`{}`), "properties.apiServerAccessProfile.enablePrivateCluster"),
		akstest.C("public with ranges", akstest.Cluster(`{"apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24"]}}`), "properties.apiServerAccessProfile.enablePrivateCluster"),
		akstest.C("private", akstest.Cluster(`{"apiServerAccessProfile": {"enablePrivateCluster": true}}`)),
	})
}
