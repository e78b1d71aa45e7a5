package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestRBAC(t *testing.T) {
	akstest.Table(t, "AKS-201", []akstest.Case{
		akstest.C("disabled", akstest.Cluster(`{"enableRBAC": false}`), "properties.enableRBAC"),
		akstest.C("enabled", akstest.Cluster(`{"enableRBAC": true}`)),
		akstest.C("absent is the default, on", akstest.Cluster(`{}`)),
		akstest.C("az spelling, as a string", `{"id": "`+akstest.ClusterID+`", "name": "c", "type": "Microsoft.ContainerService/ManagedClusters", "enableRbac": "false"}`, "properties.enableRBAC"),
	})
}
