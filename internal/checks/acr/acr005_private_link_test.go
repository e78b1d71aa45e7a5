package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestPrivateLink(t *testing.T) {
	pec := func(status string) string {
		return `{"privateEndpointConnections": [{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r/privateEndpointConnections/pe",
			"properties": {"privateEndpoint": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-acr"},
			"privateLinkServiceConnectionState": {"status": "` + status + `", "description": ""}, "provisioningState": "Succeeded"}}]}`
	}
	const f = "properties.privateEndpointConnections"
	akstest.Table(t, "ACR-005", []akstest.Case{
		akstest.C("approved", akstest.Registry(pec("Approved"))),
		akstest.C("pending", akstest.Registry(pec("Pending")), f),
		akstest.C("none", akstest.Registry(`{"privateEndpointConnections": []}`), f),
	})
}
