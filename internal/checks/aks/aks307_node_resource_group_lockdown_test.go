package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestNodeResourceGroupLockdown(t *testing.T) {
	const f = "properties.nodeResourceGroupProfile.restrictionLevel"
	akstest.Table(t, "AKS-307", []akstest.Case{
		akstest.C("default", akstest.Cluster(`{}`), f),
		akstest.C("unrestricted", akstest.Cluster(`{"nodeResourceGroupProfile": {"restrictionLevel": "Unrestricted"}}`), f),
		akstest.C("read only", akstest.Cluster(`{"nodeResourceGroupProfile": {"restrictionLevel": "ReadOnly"}}`)),
	})
}
