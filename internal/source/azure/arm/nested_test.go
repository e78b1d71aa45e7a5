package arm_test

import (
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/loadtest"
)

const head = `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",`

// nestedDeployment is Microsoft's example of expression evaluation scope in
// nested templates: the parent and the nested template both define
// exampleVar; a registry is named by it.
func nestedDeployment(options string) string {
	return head + `"variables": {"exampleVar": "fromparent"}, "resources": [{
		"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "nestedTemplate1",
		"properties": {` + options + `"mode": "Incremental",
			"parameters": {"suffix": {"value": "[concat(variables('exampleVar'), 'param')]"}},
			"template": {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
				"parameters": {"suffix": {"type": "string", "defaultValue": "unused"}},
				"variables": {"exampleVar": "fromnested"},
				"resources": [
					{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "[variables('exampleVar')]"},
					{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "[parameters('suffix')]"}]}}}]}`
}

// TestNestedDeploymentScope: with the outer scope (the default), the
// nested template's expressions are the parent's: exampleVar is the
// parent's and the nested template's own parameters are not in scope;
// with the inner scope they are its own, and its parameters are passed
// from the deployment, evaluated in the parent.
func TestNestedDeploymentScope(t *testing.T) {
	names := func(doc string) string {
		var out []string
		for _, r := range loadtest.Registries(loadtest.LoadString(t, doc)) {
			out = append(out, r.Name)
		}
		return strings.Join(out, " ")
	}
	if got := names(nestedDeployment(`"expressionEvaluationOptions": {"scope": "inner"},`)); got != "fromnested fromparentparam" {
		t.Errorf("inner scope: registries %q, want fromnested fromparentparam", got)
	}
	outer := names(nestedDeployment(""))
	if !strings.HasPrefix(outer, "fromparent ") || strings.Contains(outer, "fromnested") {
		t.Errorf("outer scope: registries %q, want the parent's exampleVar", outer)
	}
	if got := names(nestedDeployment(`"expressionEvaluationOptions": {"scope": "outer"},`)); got != outer {
		t.Errorf("explicit outer scope %q differs from the default %q", got, outer)
	}
}

// TestLinkedTemplateNotFollowed: a linked template is not read; the run
// says so rather than passing it silently.
func TestLinkedTemplateNotFollowed(t *testing.T) {
	res := loadtest.LoadString(t, head+`"resources": [{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "linked",
		"properties": {"mode": "Incremental", "templateLink": {"uri": "https://example.com/aks.json"}}}]}`)
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "templateLink") || !strings.Contains(res.Warnings[0], ":1:") {
		t.Errorf("warnings %q, want one naming templateLink at its line", res.Warnings)
	}
}

// TestChildResources: a child resource nested in its parent has a type and
// name relative to the parent ("agentPools", "pool2"); at the top level it
// has the full type and a name with the parent's ("c/pool3").
func TestChildResources(t *testing.T) {
	res := loadtest.LoadString(t, head+`"resources": [
		{"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2025-02-01", "name": "c",
			"properties": {"agentPoolProfiles": [{"name": "pool1", "mode": "System"}]},
			"resources": [{"type": "agentPools", "apiVersion": "2025-02-01", "name": "pool2", "properties": {"mode": "User"}}]},
		{"type": "Microsoft.ContainerService/managedClusters/agentPools", "apiVersion": "2025-02-01", "name": "c/pool3", "properties": {"mode": "User"}}]}`)
	cs := loadtest.Clusters(res)
	if len(cs) != 1 {
		t.Fatalf("%d clusters", len(cs))
	}
	var names []string
	for _, p := range cs[0].Pools {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, " "); got != "pool1 pool2 pool3" {
		t.Errorf("pools %q, want pool1 pool2 pool3", got)
	}
}

// TestUnexpandedResourceLoops: a resource loop whose count is known only at
// deployment is not judged as if it were empty: pools of such a loop are a
// gap on their cluster (found by name, else by dependsOn), registries a
// warning that they were not checked.
func TestUnexpandedResourceLoops(t *testing.T) {
	res := loadtest.LoadString(t, head+`"parameters": {"n": {"type": "int"}, "poolName": {"type": "string"}}, "resources": [
		{"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2025-02-01", "name": "c",
			"properties": {"agentPoolProfiles": [{"name": "sys", "mode": "System"}]}},
		{"copy": {"name": "pools", "count": "[parameters('n')]"}, "type": "Microsoft.ContainerService/managedClusters/agentPools",
			"apiVersion": "2025-02-01", "name": "[parameters('poolName')]",
			"dependsOn": ["[resourceId('Microsoft.ContainerService/managedClusters', 'c')]"], "properties": {"mode": "User"}},
		{"copy": {"name": "registries", "count": "[parameters('n')]"}, "type": "Microsoft.ContainerRegistry/registries",
			"apiVersion": "2023-07-01", "name": "[concat('acr', copyIndex())]"}]}`)
	c := loadtest.Clusters(res)[0]
	if r := c.Gaps[aksmodel.PoolsSeparate]; !strings.Contains(r, "copy loop pools") {
		t.Errorf("pool loop found through dependsOn: gaps %v", c.Gaps)
	}
	if len(loadtest.Registries(res)) != 0 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "Microsoft.ContainerRegistry/registries resources from copy loop registries") {
		t.Errorf("registry loop: warnings %q", res.Warnings)
	}
}
