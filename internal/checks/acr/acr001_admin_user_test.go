package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestAdminUser(t *testing.T) {
	akstest.Table(t, "ACR-001", []akstest.Case{
		akstest.C("enabled", akstest.Registry(`{"adminUserEnabled": true}`), "properties.adminUserEnabled"),
		akstest.C("disabled", akstest.Registry(`{"adminUserEnabled": false}`)),
		akstest.C("az acr show", `{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r", "name": "r",
			"type": "Microsoft.ContainerRegistry/registries", "adminUserEnabled": true, "loginServer": "r.azurecr.io"}`, "properties.adminUserEnabled"),
	})
}
