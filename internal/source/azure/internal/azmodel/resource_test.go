package azmodel_test

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
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
