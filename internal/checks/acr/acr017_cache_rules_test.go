package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestCacheRules(t *testing.T) {
	const reg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r"
	rule := `{"id": "` + reg + `/cacheRules/nginx", "name": "nginx", "type": "Microsoft.ContainerRegistry/registries/cacheRules",
		"properties": {"sourceRepository": "docker.io/library/nginx", "targetRepository": "cache/nginx"}}`
	akstest.Table(t, "ACR-017", []akstest.Case{
		akstest.C("rule", `[`+akstest.Registry(`{}`)+`,`+rule+`]`, "cacheRules[nginx].properties.sourceRepository"),
		akstest.C("unknown without cache documents", akstest.Registry(`{}`)),
	})
}
