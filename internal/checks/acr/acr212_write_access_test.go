package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestWriteAccess(t *testing.T) {
	const reg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r"
	ra := func(n, role, typ string) string {
		return `{"id": "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/` + n + `", "name": "` + n + `",
			"type": "Microsoft.Authorization/roleAssignments", "principalId": "p` + n + `", "principalType": "` + typ + `",
			"roleDefinitionId": "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/x", "roleDefinitionName": "` + role + `", "scope": "` + reg + `"}`
	}
	akstest.Table(t, "ACR-212", []akstest.Case{
		akstest.C("pipeline push, cluster pull", `[`+akstest.Registry(`{}`)+`,`+ra("1", "AcrPush", "ServicePrincipal")+`,`+ra("2", "AcrPull", "ServicePrincipal")+`]`),
		akstest.C("person pushes", `[`+akstest.Registry(`{}`)+`,`+ra("1", "AcrPush", "User")+`]`, "roleAssignments[0]"),
		akstest.C("contributor on the registry", `[`+akstest.Registry(`{}`)+`,`+ra("1", "AcrPull", "ServicePrincipal")+`,`+ra("2", "Contributor", "Group")+`]`, "roleAssignments[1]"),
	})
}
