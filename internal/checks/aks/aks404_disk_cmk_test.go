package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestDiskCMK(t *testing.T) {
	akstest.Table(t, "AKS-404", []akstest.Case{
		akstest.C("none", akstest.Cluster(`{}`), "properties.diskEncryptionSetID"),
		akstest.C("set", akstest.Cluster(`{"diskEncryptionSetID": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des"}`)),
		akstest.C("az spelling", `{"id": "`+akstest.ClusterID+`", "name": "c", "type": "Microsoft.ContainerService/ManagedClusters", "diskEncryptionSetId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des"}`),
	})
}
