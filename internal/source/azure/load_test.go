package azure_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/loadtest"
)

// az output spells properties like the Python SDK (enableRbac,
// enableNodePublicIp, osSku, nodeOsUpgradeChannel) and flattens
// "properties"; the model must come out as from ARM GET.
func TestAzShowDecodes(t *testing.T) {
	file := filepath.Join(loadtest.Examples, "default", "aks.json")
	res := loadtest.Load(t, file)
	if len(res.Errors) > 0 || len(res.Objects) != 1 {
		t.Fatalf("errors %v, objects %d", res.Errors, len(res.Objects))
	}
	c := loadtest.Clusters(res)[0]
	p := c.P()
	switch {
	case c.ID != "/subscriptions/6b1d2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/resourcegroups/rg-shop-dev/providers/Microsoft.ContainerService/managedClusters/aks-shop-dev":
		t.Errorf("id %q", c.ID)
	case c.Name != "aks-shop-dev":
		t.Errorf("name %q", c.Name)
	case !aksmodel.Bool(p.EnableRBAC):
		t.Error("enableRbac not read")
	case aksmodel.Str(p.AutoUpgradeProfile.NodeOSUpgradeChannel) != "NodeImage":
		t.Error("nodeOsUpgradeChannel not read")
	case len(c.Pools) != 2 || !aksmodel.Bool(c.Pools[1].Profile.EnableNodePublicIP) || aksmodel.Str(c.Pools[0].Profile.OSSKU) != "Ubuntu":
		t.Errorf("pools not read: %+v", c.Pools)
	case aksmodel.Str(p.IdentityProfile["kubeletidentity"].ObjectID) == "":
		t.Error("kubelet identity not read")
	case c.Model.SKU == nil || aksmodel.Str(c.Model.SKU.Tier) != "Free":
		t.Error("sku not read")
	}
	if c.Diagnostics != nil || c.Gaps[aksmodel.GapDiagnostics] == "" {
		t.Error("az aks show has no diagnostic settings: they must be a gap")
	}
	if c.Gaps["properties.networkProfile.podLinkLocalAccess"] == "" {
		t.Error("preview field absent from a GA az output must be a gap")
	}
	// Positions point into the flattened document.
	o := loadtest.Object(t, res, aksmodel.KindCluster)
	if got, want := o.Locate("properties.agentPoolProfiles[1].enableNodePublicIP").Line, loadtest.LineOf(t, file, `"enableNodePublicIp": true`); got != want {
		t.Errorf("enableNodePublicIP at line %d, want %d", got, want)
	}
	if got, want := o.Locate("properties.addonProfiles[omsagent].config[useAADAuth]").Line, loadtest.LineOf(t, file, `"useAADAuth"`); got != want {
		t.Errorf("useAADAuth at line %d, want %d", got, want)
	}
	// A missing field is located at its nearest existing ancestor.
	if got, want := o.Locate("properties.apiServerAccessProfile.authorizedIPRanges").Line, loadtest.LineOf(t, file, `"apiServerAccessProfile": null`); got != want {
		t.Errorf("missing field at line %d, want %d", got, want)
	}
	if o.Meta.Labels["team"] != "shop" {
		t.Errorf("tags are the object's labels: %v", o.Meta.Labels)
	}
}

// The model re-encoded by the SDK is an ARM GET document; reading it must
// give the same model: the two input shapes agree.
func TestARMGetMatchesAzShow(t *testing.T) {
	az := loadtest.Clusters(loadtest.Load(t, filepath.Join(loadtest.Examples, "default", "aks.json")))[0]
	b, err := json.Marshal(az.Model)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"properties":{`) {
		t.Fatal("SDK encoding is not nested")
	}
	arm := loadtest.Clusters(loadtest.LoadString(t, string(b)))[0]
	if !reflect.DeepEqual(az.Model, arm.Model) {
		a, _ := json.MarshalIndent(az.Model, "", " ")
		g, _ := json.MarshalIndent(arm.Model, "", " ")
		t.Errorf("models differ:\naz:  %s\narm: %s", a, g)
	}
}

func TestListsAndEnvelopes(t *testing.T) {
	one := `{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/%s", "name": "%s", "type": "Microsoft.ContainerService/managedClusters", "properties": {}}`
	c := func(n string) string { return strings.ReplaceAll(strings.Replace(one, "%s", n, 1), "%s", n) }
	for name, doc := range map[string]string{
		"az list":        "[" + c("a") + "," + c("b") + "]",
		"ARM list":       `{"value": [` + c("a") + "," + c("b") + `], "nextLink": null}`,
		"Resource Graph": `{"count": 2, "data": [` + c("a") + "," + c("b") + `], "skip_token": null, "total_records": 2}`,
	} {
		res := loadtest.LoadString(t, doc)
		if len(loadtest.Clusters(res)) != 2 || len(res.Errors) > 0 || res.Documents != 2 {
			t.Errorf("%s: %d clusters, errors %v", name, len(loadtest.Clusters(res)), res.Errors)
		}
	}
}

func TestInputErrors(t *testing.T) {
	res := loadtest.LoadString(t, "{\n  \"type\": \"Microsoft.ContainerService/managedClusters\",\n  \"name\": \"c\",\n  \"properties\": {\n    \"enableRBAC\": true\n    \"disableLocalAccounts\": true\n  }\n}")
	if len(res.Errors) != 1 || res.Errors[0].Line == 0 || !strings.Contains(res.Errors[0].Msg, "invalid JSON") {
		t.Errorf("syntax error: %+v", res.Errors)
	}
	// A field of the wrong type is an error at its line; the rest of the
	// cluster is still read.
	res = loadtest.LoadString(t, "{\n  \"type\": \"Microsoft.ContainerService/managedClusters\",\n  \"name\": \"c\",\n  \"properties\": {\n    \"enableRBAC\": \"maybe\",\n    \"disableLocalAccounts\": true\n  }\n}")
	if len(res.Errors) != 1 || res.Errors[0].Line != 5 || !strings.Contains(res.Errors[0].Msg, "properties.enableRBAC: want true or false") {
		t.Errorf("type error: %+v", res.Errors)
	}
	if cs := loadtest.Clusters(res); len(cs) != 1 || !aksmodel.Bool(cs[0].P().DisableLocalAccounts) {
		t.Error("the rest of the cluster was not read")
	}
	res = loadtest.LoadString(t, `{"type": "Microsoft.ContainerService/managedClusters", "name": "c", "properties": {"enableRBAC": true, "EnableRbac": false}}`)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Msg, "set twice") {
		t.Errorf("duplicate spelling: %+v", res.Errors)
	}
}

func TestSkipped(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("vm.json", `{"type": "Microsoft.Compute/virtualMachines", "name": "vm"}`)
	write("main.parameters.json", `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": {}}`)
	write("package.json", `{"name": "x", "version": "1.0.0"}`)
	if err := os.MkdirAll(filepath.Join(dir, "bicep"), 0o755); err != nil {
		t.Fatal(err)
	}
	write("bicep/main.bicep", "param x string\n")
	res := loadtest.Load(t, dir)
	if len(res.Skipped) != 4 || len(res.Errors) > 0 || len(res.Objects) > 0 {
		t.Fatalf("got %+v", res)
	}
	reasons := ""
	for _, s := range res.Skipped {
		reasons += s.Reason + "\n"
	}
	for _, want := range []string{"Microsoft.Compute/virtualMachines is not checked", "--parameters", "not an Azure resource", "az bicep build"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("no skip reason %q in\n%s", want, reasons)
		}
	}
}

// Documents beside a cluster complete it: diagnostic settings,
// maintenance configurations, role assignments, separate agent pools.
func TestRelatedDocuments(t *testing.T) {
	res := loadtest.Load(t, filepath.Join(loadtest.Examples, "hardened"))
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	c := loadtest.Clusters(res)[0]
	if len(c.Diagnostics) != 1 || len(c.MaintenanceConfigurations) != 2 || len(c.KubeletRoleAssignments) != 1 || c.KubeletRoleAssignments[0].Role != "AcrPull" {
		t.Errorf("diagnostics %d, maintenance %v, kubelet roles %+v", len(c.Diagnostics), c.MaintenanceConfigurations, c.KubeletRoleAssignments)
	}
	if len(c.Gaps) != 0 {
		t.Errorf("hardened az output with aks-preview has no gaps: %v", c.Gaps)
	}
	r := loadtest.Registries(res)[0]
	if len(r.Diagnostics) != 1 || len(r.RoleAssignments) != 2 || r.PrivateEndpoints != 1 {
		t.Errorf("registry: diagnostics %d, roles %d, endpoints %d", len(r.Diagnostics), len(r.RoleAssignments), r.PrivateEndpoints)
	}
}

func TestAgentPoolDocumentWithoutCluster(t *testing.T) {
	res := loadtest.LoadString(t, `{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/gone/agentPools/np", "name": "np",
		"type": "Microsoft.ContainerService/managedClusters/agentPools", "properties": {"mode": "User"}}`)
	if len(res.Objects) != 0 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "not among the inputs") {
		t.Errorf("got %+v", res)
	}
}

func TestExclude(t *testing.T) {
	res, err := azure.Load(t.Context(), []string{loadtest.Examples}, azure.Options{Exclude: []string{"**/terraform/**", "arm"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Objects {
		if strings.Contains(o.Loc.File, "terraform") || strings.Contains(o.Loc.File, "/arm/") {
			t.Errorf("excluded file read: %s", o.Loc.File)
		}
	}
	if _, err := azure.Load(t.Context(), []string{loadtest.Examples}, azure.Options{Exclude: []string{"[x"}}); err == nil {
		t.Error("bad pattern accepted")
	}
}
