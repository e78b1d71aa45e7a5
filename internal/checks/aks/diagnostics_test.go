package aks

import "github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"

// diag is `az monitor diagnostic-settings list --resource <cluster>` output
// for one setting with the given log entries.
func diag(logs string, dest ...string) string {
	d := `"workspaceId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law"`
	if len(dest) > 0 {
		d = dest[0]
	}
	return `{"id": "` + akstest.ClusterID + `/providers/microsoft.insights/diagnosticSettings/aks-logs", "name": "aks-logs",
		"type": "Microsoft.Insights/diagnosticSettings", "resourceGroup": "rg", ` + d + `, "logs": [` + logs + `], "metrics": []}`
}

func log(category string) string { return `{"category": "` + category + `", "enabled": true}` }
