package terraform_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/loadtest"
	"github.com/bulwark-sec/bulwark/internal/source/azure/terraform"
)

func TestTerraformPlan(t *testing.T) {
	file := filepath.Join(loadtest.Examples, "terraform", "plan.json")
	res := loadtest.Load(t, file)
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	c := loadtest.Clusters(res)[0]
	p := c.P()
	if c.Name != "aks-orders-prod" || c.ID != "" {
		t.Errorf("name %q id %q", c.Name, c.ID)
	}
	var pools []string
	for _, pl := range c.Pools {
		pools = append(pools, pl.Path.String())
	}
	if got := strings.Join(pools, " "); got != "properties.agentPoolProfiles[0] agentPools[jobs].properties agentPools[web].properties" {
		t.Errorf("pools: %s", got)
	}
	sys := c.Pools[0].Profile
	if !aksmodel.Bool(sys.EnableEncryptionAtHost) || aksmodel.Str(sys.Mode) != "System" || len(sys.NodeTaints) != 1 || aksmodel.Str(sys.NodeTaints[0]) != "CriticalAddonsOnly=true:NoSchedule" {
		t.Errorf("default node pool: %+v", sys)
	}
	if !aksmodel.Bool(p.AADProfile.Managed) || !aksmodel.Bool(p.AADProfile.EnableAzureRBAC) || !aksmodel.Bool(p.DisableLocalAccounts) {
		t.Error("azurerm v4 Entra ID block")
	}
	if d := p.APIServerAccessProfile.DisableRunCommand; d == nil || *d {
		t.Error("run_command_enabled = true is disableRunCommand false")
	}
	// key_vault_key_id comes from a key created in the same plan: set,
	// known after apply.
	if k := p.SecurityProfile.AzureKeyVaultKms; k == nil || !aksmodel.Bool(k.Enabled) || aksmodel.Str(k.KeyID) != terraform.AfterApply {
		t.Errorf("KMS: %+v", k)
	}
	if len(c.Diagnostics) != 1 || len(c.KubeletRoleAssignments) != 1 || c.KubeletRoleAssignments[0].Role != "AcrPull" {
		t.Errorf("diagnostics %d, kubelet roles %+v", len(c.Diagnostics), c.KubeletRoleAssignments)
	}
	if strings.Join(c.MaintenanceConfigurations, ",") != "aksManagedAutoUpgradeSchedule" {
		t.Errorf("maintenance: %v", c.MaintenanceConfigurations)
	}
	if len(c.Gaps) != 0 {
		t.Errorf("gaps: %v", c.Gaps)
	}
	// Positions: plan line, and the Terraform address with the attribute.
	o := loadtest.Object(t, res, aksmodel.KindCluster)
	loc := o.Locate("agentPools[web].properties.enableEncryptionAtHost")
	if loc.Resource != `azurerm_kubernetes_cluster_node_pool.user["web"].host_encryption_enabled` || loc.File != file || loc.Line == 0 {
		t.Errorf("pool location: %+v", loc)
	}
	loc = o.Locate("properties.apiServerAccessProfile.authorizedIPRanges[1]")
	if loc.Resource != "azurerm_kubernetes_cluster.main.api_server_access_profile[0].authorized_ip_ranges[1]" || loc.Line != rangeLine(t, file) {
		t.Errorf("range location: %+v", loc)
	}
	g := loadtest.Registries(res)[0]
	if !aksmodel.Bool(g.P().AdminUserEnabled) || aksmodel.Str(g.P().PublicNetworkAccess) != "Enabled" || len(g.RoleAssignments) != 2 || g.SKU() != "Standard" {
		t.Errorf("registry: %+v, roles %d", g.P(), len(g.RoleAssignments))
	}
}

// azurerm v3 spells attributes differently; legacy AAD integration.
func TestTerraformV3Names(t *testing.T) {
	doc := `{
  "format_version": "1.2",
  "terraform_version": "1.5.7",
  "planned_values": {"root_module": {"child_modules": [{"address": "module.aks", "resources": [{
    "address": "module.aks.azurerm_kubernetes_cluster.this", "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "this",
    "provider_name": "registry.terraform.io/hashicorp/azurerm", "schema_version": 1,
    "values": {
      "name": "aks-legacy", "location": "northeurope", "sku_tier": "Paid", "kubernetes_version": "1.29.9",
      "api_server_authorized_ip_ranges": ["0.0.0.0/0"],
      "automatic_channel_upgrade": "none", "node_os_channel_upgrade": "None",
      "azure_active_directory_role_based_access_control": [{"managed": false, "client_app_id": "c1", "server_app_id": "s1", "server_app_secret": "hunter2", "azure_rbac_enabled": false}],
      "default_node_pool": [{"name": "default", "vm_size": "Standard_DS2_v2", "node_count": 1, "enable_host_encryption": false, "enable_node_public_ip": true, "enable_auto_scaling": false, "type": "AvailabilitySet"}],
      "network_profile": [{"network_plugin": "kubenet", "network_policy": "calico", "ebpf_data_plane": null, "load_balancer_sku": "basic", "outbound_type": "loadBalancer"}],
      "http_application_routing_enabled": true,
      "role_based_access_control_enabled": true,
      "service_principal": [{"client_id": "00000000-1111-2222-3333-444444444444"}]
    }}]}]}},
  "configuration": {"root_module": {"module_calls": {"aks": {"module": {"resources": [{"address": "azurerm_kubernetes_cluster.this", "expressions": {}}]}}}}}
}`
	res := loadtest.LoadString(t, doc)
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	c := loadtest.Clusters(res)[0]
	p := c.P()
	checks := map[string]bool{
		"sku Paid is Standard":     aksmodel.Str(c.Model.SKU.Tier) == "Standard",
		"v3 authorized ranges":     len(p.APIServerAccessProfile.AuthorizedIPRanges) == 1,
		"v3 upgrade channel":       aksmodel.Str(p.AutoUpgradeProfile.UpgradeChannel) == "none",
		"v3 node OS channel":       aksmodel.Str(p.AutoUpgradeProfile.NodeOSUpgradeChannel) == "None",
		"legacy AAD":               p.AADProfile.Managed != nil && !*p.AADProfile.Managed && aksmodel.Str(p.AADProfile.ServerAppSecret) == "hunter2",
		"v3 host encryption":       p.AgentPoolProfiles[0].EnableEncryptionAtHost != nil && !*p.AgentPoolProfiles[0].EnableEncryptionAtHost,
		"v3 node public IP":        aksmodel.Bool(p.AgentPoolProfiles[0].EnableNodePublicIP),
		"pool type":                aksmodel.Str(p.AgentPoolProfiles[0].Type) == "AvailabilitySet",
		"http application routing": aksmodel.Bool(p.AddonProfiles["httpApplicationRouting"].Enabled),
		"service principal":        aksmodel.Str(p.ServicePrincipalProfile.ClientID) == "00000000-1111-2222-3333-444444444444",
		"kubenet":                  aksmodel.Str(p.NetworkProfile.NetworkPlugin) == "kubenet",
	}
	for what, ok := range checks {
		if !ok {
			t.Error(what)
		}
	}
	if loc := loadtest.Object(t, res, aksmodel.KindCluster).Locate("properties.enableRBAC"); !strings.HasPrefix(loc.Resource, "module.aks.azurerm_kubernetes_cluster.this") {
		t.Errorf("module address: %+v", loc)
	}
}

// A plan adding pools to a cluster it does not manage: the pools are
// checked, the cluster's own fields are not assessed.
func TestTerraformPoolsOnly(t *testing.T) {
	doc := `{
  "format_version": "1.2", "terraform_version": "1.9.8",
  "planned_values": {"root_module": {"resources": [{
    "address": "azurerm_kubernetes_cluster_node_pool.gpu", "mode": "managed", "type": "azurerm_kubernetes_cluster_node_pool", "name": "gpu",
    "values": {"name": "gpu", "kubernetes_cluster_id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/shared", "vm_size": "Standard_NC6s_v3", "mode": "User", "host_encryption_enabled": false, "node_public_ip_enabled": false}}]}},
  "configuration": {"root_module": {"resources": [{"address": "azurerm_kubernetes_cluster_node_pool.gpu", "expressions": {"kubernetes_cluster_id": {"references": ["data.azurerm_kubernetes_cluster.shared.id", "data.azurerm_kubernetes_cluster.shared"]}}}]}}
}`
	res := loadtest.LoadString(t, doc)
	cs := loadtest.Clusters(res)
	if len(cs) != 1 || len(cs[0].Pools) != 1 || cs[0].Gaps["properties"] == "" {
		t.Fatalf("got %+v", cs)
	}
	if cs[0].ID != "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/shared" || cs[0].Name != "shared" {
		t.Errorf("stand-in named %q (%q)", cs[0].Name, cs[0].ID)
	}
}

// rangeLine is the line of the second authorized range in the plan's
// planned values (the variables section before them holds it too).
func rangeLine(t *testing.T, file string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	at := strings.Index(text, `"planned_values"`)
	i := strings.Index(text[at:], `"172.16.0.0/12"`)
	if at < 0 || i < 0 {
		t.Fatal("no planned authorized range")
	}
	return strings.Count(text[:at+i], "\n") + 1
}
