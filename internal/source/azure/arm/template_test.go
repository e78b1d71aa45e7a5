package arm_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/loadtest"
)

func TestTemplate(t *testing.T) {
	file := filepath.Join(loadtest.Examples, "arm", "aks-payments.json")
	res := loadtest.Load(t, file)
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	c := loadtest.Clusters(res)[0]
	if c.Name != "aks-payments-prod" || c.ID != "" {
		t.Errorf("name %q id %q: templates have no real id", c.Name, c.ID)
	}
	var names []string
	for _, p := range c.Pools {
		names = append(names, p.Name+"@"+p.Path.String())
	}
	if got := strings.Join(names, " "); got != "system@properties.agentPoolProfiles[0] apps@properties.agentPoolProfiles[1] fraudgpu@agentPools[fraudgpu].properties" {
		t.Errorf("pools: %s", got)
	}
	if got := aksmodel.Str(c.P().KubernetesVersion); got != "1.34" {
		t.Errorf("parameter default not applied: %q", got)
	}
	if n := len(c.P().APIServerAccessProfile.AuthorizedIPRanges); n != 2 {
		t.Errorf("array parameter: %d ranges", n)
	}
	if *c.P().AgentPoolProfiles[0].Count != 3 {
		t.Error("int parameter not applied")
	}
	// No default, and a reference(): gaps with their reasons.
	if r := c.Gaps["properties.aadProfile.adminGroupObjectIDs[0]"]; !strings.Contains(r, `parameter "adminGroupObjectId" has no default value`) {
		t.Errorf("gap for the parameter without default: %q (gaps %v)", r, c.Gaps)
	}
	if r := c.Gaps["properties.securityProfile.azureKeyVaultKms.keyId"]; !strings.Contains(r, "reference(") {
		t.Errorf("gap for reference(): %q", r)
	}
	if len(c.Diagnostics) != 1 || len(c.MaintenanceConfigurations) != 0 {
		t.Errorf("diagnostics %d (old nested type), maintenance %v", len(c.Diagnostics), c.MaintenanceConfigurations)
	}
	// Values from parameters are located where they are used.
	o := loadtest.Object(t, res, aksmodel.KindCluster)
	if got, want := o.Locate("properties.agentPoolProfiles[0].enableEncryptionAtHost").Line, loadtest.LineOf(t, file, `"enableEncryptionAtHost": true`); got != want {
		t.Errorf("line %d, want %d", got, want)
	}
	if got, want := o.Locate("agentPools[fraudgpu].properties.enableNodePublicIP").Line, loadtest.LineOf(t, file, `"enableNodePublicIP": true`); got != want {
		t.Errorf("separate pool line %d, want %d", got, want)
	}
	g := loadtest.Registries(res)[0]
	if !aksmodel.Bool(g.P().AdminUserEnabled) || g.SKU() != "Premium" {
		t.Errorf("registry: %+v", g.P())
	}
}

func TestTemplateParametersFile(t *testing.T) {
	dir := t.TempDir()
	params := filepath.Join(dir, "prod.parameters.json")
	if err := os.WriteFile(params, []byte(`{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "adminGroupObjectId": {"value": "9f8e7d6c-5b4a-4392-8180-7f6e5d4c3b2a"},
    "enableGpuPool": {"value": false},
    "kubernetesVersion": {"value": "1.35"}
  }
}`), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := azure.Load(t.Context(), []string{filepath.Join(loadtest.Examples, "arm", "aks-payments.json")}, azure.Options{Parameters: []string{params}})
	if err != nil {
		t.Fatal(err)
	}
	c := loadtest.Clusters(res)[0]
	if _, gap := c.Gaps["properties.aadProfile.adminGroupObjectIDs[0]"]; gap || aksmodel.Str(c.P().AADProfile.AdminGroupObjectIDs[0]) != "9f8e7d6c-5b4a-4392-8180-7f6e5d4c3b2a" {
		t.Errorf("parameter value not applied: %v", c.Gaps)
	}
	if len(c.Pools) != 2 {
		t.Errorf("condition false: the GPU pool is not deployed, got %d pools", len(c.Pools))
	}
	if aksmodel.Str(c.P().KubernetesVersion) != "1.35" {
		t.Error("value overrides the default")
	}
}

// Bicep output: resource copy loops, nested deployments with inner scope
// (modules), diagnostic settings by scope, role assignments whose principal
// is the kubelet identity passed into the module.
func TestBicepCompiled(t *testing.T) {
	res := loadtest.Load(t, filepath.Join(loadtest.Examples, "bicep"))
	if len(res.Errors) > 0 || len(res.Skipped) > 0 {
		t.Fatalf("errors %v skipped %v", res.Errors, res.Skipped)
	}
	c := loadtest.Clusters(res)[0]
	if len(c.Pools) != 3 || c.Pools[1].Name != "batch" && c.Pools[2].Name != "batch" {
		t.Errorf("pools from the copy loop: %+v", c.Pools)
	}
	if len(c.Diagnostics) != 1 || len(c.MaintenanceConfigurations) != 2 {
		t.Errorf("diagnostics %d maintenance %v", len(c.Diagnostics), c.MaintenanceConfigurations)
	}
	if len(c.KubeletRoleAssignments) != 1 || aksmodel.RoleName(c.KubeletRoleAssignments[0].Role) != "AcrPull" {
		t.Errorf("kubelet role assignment through the module: %+v", c.KubeletRoleAssignments)
	}
	g := loadtest.Registries(res)[0]
	if g.Name != "acrcheckoutprod" || g.PrivateEndpoints != 1 || len(g.Diagnostics) != 1 || len(g.RoleAssignments) != 1 {
		t.Errorf("registry from the module: %s, endpoints %d, diagnostics %d, roles %d", g.Name, g.PrivateEndpoints, len(g.Diagnostics), len(g.RoleAssignments))
	}
	if len(c.Gaps) != 0 {
		t.Errorf("cluster gaps: %v", c.Gaps)
	}
	if r := g.Gaps["properties.encryption.keyVaultProperties.identity"]; r == "" {
		t.Errorf("reference() in the registry is a gap: %v", g.Gaps)
	}
}

func TestTemplateLoops(t *testing.T) {
	doc := `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "pools": {"type": "array", "defaultValue": [{"name": "a", "fips": true}, {"name": "b", "fips": false}]},
    "extra": {"type": "array"}
  },
  "variables": {
    "copy": [{"name": "zones", "count": 3, "input": "[string(copyIndex('zones', 1))]"}]
  },
  "resources": [
    {
      "type": "Microsoft.ContainerService/managedClusters",
      "apiVersion": "2025-02-01",
      "name": "loops",
      "location": "westeurope",
      "properties": {
        "copy": [{
          "name": "agentPoolProfiles",
          "count": "[length(parameters('pools'))]",
          "input": {
            "name": "[parameters('pools')[copyIndex('agentPoolProfiles')].name]",
            "enableFIPS": "[parameters('pools')[copyIndex('agentPoolProfiles')].fips]",
            "availabilityZones": "[variables('zones')]"
          }
        }]
      }
    },
    {
      "copy": {"name": "extraPools", "count": "[length(parameters('extra'))]"},
      "type": "Microsoft.ContainerService/managedClusters/agentPools",
      "apiVersion": "2025-02-01",
      "name": "[format('loops/{0}', parameters('extra')[copyIndex()].name)]",
      "properties": {"mode": "User"}
    }
  ]
}`
	res := loadtest.LoadString(t, doc)
	c := loadtest.Clusters(res)[0]
	if len(c.Pools) != 2 || !aksmodel.Bool(c.Pools[0].Profile.EnableFIPS) || aksmodel.Bool(c.Pools[1].Profile.EnableFIPS) || len(c.Pools[1].Profile.AvailabilityZones) != 3 {
		t.Errorf("property copy: %+v", c.Pools)
	}
	if aksmodel.Str(c.Pools[0].Profile.AvailabilityZones[2]) != "3" {
		t.Error("variable copy with offset")
	}
	if r := c.Gaps[aksmodel.PoolsSeparate]; !strings.Contains(r, "copy loop extraPools") {
		t.Errorf("unexpanded resource loop of pools is a gap on every pool read: %v", c.Gaps)
	}
}

func TestLanguageVersion2(t *testing.T) {
	doc := `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "languageVersion": "2.0",
  "contentVersion": "1.0.0.0",
  "resources": {
    "acr": {"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "acrlv2", "location": "westeurope", "sku": {"name": "Premium"}, "properties": {"adminUserEnabled": false}},
    "existingLaw": {"existing": true, "type": "Microsoft.OperationalInsights/workspaces", "apiVersion": "2023-09-01", "name": "law"},
    "aks": {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2025-02-01", "name": "lv2", "location": "westeurope", "identity": {"type": "SystemAssigned"}, "properties": {"agentPoolProfiles": [{"name": "sys", "mode": "System"}]}},
    "pull": {"type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01",
      "scope": "[format('Microsoft.ContainerRegistry/registries/{0}', 'acrlv2')]",
      "name": "[guid('pull')]",
      "properties": {"principalId": "[reference('aks').identityProfile.kubeletidentity.objectId]", "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8311e382-0749-4cb8-b61a-304f252e45ec')]"}}
  }
}`
	res := loadtest.LoadString(t, doc)
	if len(loadtest.Clusters(res)) != 1 || len(loadtest.Registries(res)) != 1 {
		t.Fatalf("got %+v", res)
	}
	c := loadtest.Clusters(res)[0]
	if len(c.KubeletRoleAssignments) != 1 || aksmodel.RoleName(c.KubeletRoleAssignments[0].Role) != "AcrPush" {
		t.Errorf("symbolic reference('aks') not resolved: %+v", c.KubeletRoleAssignments)
	}
}
