package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestManagedIdentity(t *testing.T) {
	akstest.Table(t, "AKS-207", []akstest.Case{
		akstest.C("system assigned", akstest.Cluster(`{"servicePrincipalProfile": {"clientId": "msi"}}`, `"identity": {"type": "SystemAssigned"}`)),
		akstest.C("user assigned", akstest.Cluster(`{}`, `"identity": {"type": "UserAssigned", "userAssignedIdentities": {"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks": {}}}`)),
		akstest.C("service principal", akstest.Cluster(`{"servicePrincipalProfile": {"clientId": "0f1e2d3c-4b5a-4c6d-8e7f-9a0b1c2d3e4f"}}`), "properties.servicePrincipalProfile.clientId"),
		akstest.C("no identity at all", akstest.Cluster(`{}`), "identity.type"),
	})
}
