package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestZoneRedundancy(t *testing.T) {
	const reg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r"
	replica := `{"id": "` + reg + `/replications/northeurope", "name": "northeurope", "type": "Microsoft.ContainerRegistry/registries/replications", "location": "northeurope", "properties": {"zoneRedundancy": "Enabled"}}`
	akstest.Table(t, "ACR-014", []akstest.Case{
		akstest.C("disabled", akstest.Registry(`{"zoneRedundancy": "Disabled"}`), "properties.zoneRedundancy"),
		akstest.C("enabled", akstest.Registry(`{"zoneRedundancy": "Enabled"}`)),
		akstest.C("geo-replicated", `[`+akstest.Registry(`{"zoneRedundancy": "Disabled"}`)+`,`+replica+`]`),
	})
}
