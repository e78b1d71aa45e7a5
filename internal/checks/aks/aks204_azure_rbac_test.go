package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestAzureRBAC(t *testing.T) {
	akstest.Table(t, "AKS-204", []akstest.Case{
		akstest.C("no entra id", akstest.Cluster(`{}`), "properties.aadProfile"),
		akstest.C("entra id without azure rbac", akstest.Cluster(`{"aadProfile": {"managed": true}}`), "properties.aadProfile.enableAzureRBAC"),
		akstest.C("azure rbac", akstest.Cluster(`{"aadProfile": {"managed": true, "enableAzureRBAC": true}}`)),
		akstest.C("az spelling", `{"id": "`+akstest.ClusterID+`", "name": "c", "type": "Microsoft.ContainerService/ManagedClusters", "aadProfile": {"managed": true, "enableAzureRbac": true}}`),
	})
}
