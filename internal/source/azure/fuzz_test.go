package azure_test

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/source/azure"
)

// FuzzLoad feeds arbitrary documents to the loader: whatever the input,
// it reports errors and skips, never panics or loops.
func FuzzLoad(f *testing.F) {
	// Small seeds: the fuzzer mutates them far faster than whole loadtest.Examples.
	f.Add(`{"type": "Microsoft.ContainerService/ManagedClusters", "name": "c", "enableRbac": true, "agentPoolProfiles": [{"name": "p", "osSku": "Ubuntu"}], "addonProfiles": {"omsagent": {"enabled": true, "config": {"useAADAuth": "true"}}}}`)
	f.Add(`{"type": "Microsoft.ContainerRegistry/registries", "name": "r", "properties": {"adminUserEnabled": true, "privateEndpointConnections": [{"privateLinkServiceConnectionState": {"status": "Approved"}}]}}`)
	f.Add(`{"$schema": "deploymentTemplate", "parameters": {"n": {"type": "int", "defaultValue": 2}}, "resources": [{"type": "Microsoft.ContainerService/managedClusters", "name": "[concat('a', string(parameters('n')))]", "properties": {"copy": [{"name": "agentPoolProfiles", "count": "[parameters('n')]", "input": {"name": "[format('p{0}', copyIndex('agentPoolProfiles'))]"}}]}}]}`)
	f.Add(`{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"address": "azurerm_kubernetes_cluster.x", "mode": "managed", "type": "azurerm_kubernetes_cluster", "values": {"default_node_pool": [{}]}}]}}}`)
	f.Add(`{"$schema": "deploymentTemplate", "resources": [{"type": "[concat(", "name": "[[x"}]}`)
	f.Add(`[{"type": "Microsoft.ContainerService/managedClusters", "properties": {"agentPoolProfiles": [null, 1]}}]`)
	f.Add(`{"type": "Microsoft.ContainerRegistry/registries", "name": "a"}` + "\n" + `[{"type": "Microsoft.ContainerRegistry/registries", "name": "b"}] x`)
	f.Add(`{"$schema": "deploymentTemplate", "parameters": {"s": {"type": "secureString", "defaultValue": "x"}}, "variables": {"a": "[concat(parameters('s'), parameters('s'))]", "b": "[replace(variables('a'), 'x', variables('a'))]"}, "resources": [{"type": "Microsoft.ContainerRegistry/registries", "name": "[uniqueString(variables('b'), resourceGroup().id)]"}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		res, err := azure.Load(t.Context(), []string{"-"}, azure.Options{Stdin: strings.NewReader(doc), MaxFileSize: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range res.Objects {
			o.Locate("properties.agentPoolProfiles[0].enableFIPS")
		}
	})
}
