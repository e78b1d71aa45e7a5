package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestKubeletACRRights(t *testing.T) {
	cluster := akstest.Cluster(`{"identityProfile": {"kubeletidentity": {"objectId": "4d5e6f70-8192-4a3b-bc4d-5e6f70819203"}}}`)
	// az role assignment list --assignee <object id> --all -o json
	assignment := func(role, scope string) string {
		return `{"id": "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/1", "name": "1",
			"type": "Microsoft.Authorization/roleAssignments", "principalId": "4d5e6f70-8192-4a3b-bc4d-5e6f70819203",
			"principalType": "ServicePrincipal", "roleDefinitionName": "` + role + `", "scope": "` + scope + `"}`
	}
	const acr = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/shopacr"
	akstest.Table(t, "AKS-211", []akstest.Case{
		akstest.C("pull only", `[`+cluster+`,`+assignment("AcrPull", acr)+`]`),
		akstest.C("push", `[`+cluster+`,`+assignment("AcrPull", acr)+`,`+assignment("AcrPush", acr)+`]`, "roleAssignments[1]"),
		akstest.C("contributor on the registry", `[`+cluster+`,`+assignment("Contributor", acr)+`]`, "roleAssignments[0]"),
		akstest.C("other scopes are not this check's", `[`+cluster+`,`+assignment("Contributor", "/subscriptions/s/resourceGroups/rg")+`]`),
		akstest.C("none at all", `[`+cluster+`, {"id": "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/2", "type": "Microsoft.Authorization/roleAssignments", "principalId": "someone-else", "roleDefinitionName": "Owner", "scope": "`+acr+`"}]`),
	})
}

func TestKubeletACRRightsUnknown(t *testing.T) {
	// Without role assignment documents the check cannot judge and says
	// nothing; the scan reports it as not assessed.
	if fs := akstest.Run(t, "AKS-211", akstest.Cluster(`{}`)); len(fs) != 0 {
		t.Errorf("got %v", fs)
	}
}
