package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestScopedTokens(t *testing.T) {
	const reg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r"
	token := func(name, status string) string {
		return `{"id": "` + reg + `/tokens/` + name + `", "name": "` + name + `", "type": "Microsoft.ContainerRegistry/registries/tokens",
			"status": "` + status + `", "scopeMapId": "` + reg + `/scopeMaps/_repositories_pull"}`
	}
	akstest.Table(t, "ACR-006", []akstest.Case{
		akstest.C("enabled token", `[`+akstest.Registry(`{}`)+`,`+token("ci-pull", "enabled")+`,`+token("old", "disabled")+`]`, "tokens[ci-pull].properties.status"),
		akstest.C("disabled only", `[`+akstest.Registry(`{}`)+`,`+token("old", "disabled")+`]`),
		akstest.C("unknown without token documents", akstest.Registry(`{}`)),
	})
}
