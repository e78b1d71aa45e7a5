package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestDiagnosticLogs(t *testing.T) {
	const reg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r"
	diag := func(logs string) string {
		return `{"id": "` + reg + `/providers/microsoft.insights/diagnosticSettings/acr", "name": "acr", "type": "Microsoft.Insights/diagnosticSettings",
			"workspaceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law", "logs": [` + logs + `]}`
	}
	both := `{"category": "ContainerRegistryLoginEvents", "enabled": true}, {"category": "ContainerRegistryRepositoryEvents", "enabled": true}`
	akstest.Table(t, "ACR-010", []akstest.Case{
		akstest.C("both", `[`+akstest.Registry(`{}`)+`,`+diag(both)+`]`),
		akstest.C("login only", `[`+akstest.Registry(`{}`)+`,`+diag(`{"category": "ContainerRegistryLoginEvents", "enabled": true}`)+`]`, "diagnosticSettings"),
		akstest.C("audit group", `[`+akstest.Registry(`{}`)+`,`+diag(`{"categoryGroup": "audit", "enabled": true}`)+`]`),
		akstest.C("unknown without diagnostic documents", akstest.Registry(`{}`)),
	})
}
