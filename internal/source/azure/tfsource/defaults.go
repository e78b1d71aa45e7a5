package tfsource

import "strings"

// providerDefaults are the azurerm (v4) schema defaults of the
// attributes the plan mapping reads: a plan holds them for attributes
// the configuration leaves out, so source must too, or an unset
// attribute would read as absent where a plan reads the default. Keys
// are attribute paths, blocks by name (each instance of the block).
var providerDefaults = map[string]map[string]any{
	"azurerm_kubernetes_cluster": {
		"sku_tier":                                        "Free",
		"role_based_access_control_enabled":               true,
		"run_command_enabled":                             true,
		"private_cluster_enabled":                         false,
		"private_cluster_public_fqdn_enabled":             false,
		"workload_identity_enabled":                       false,
		"network_profile.load_balancer_sku":               "standard",
		"network_profile.outbound_type":                   "loadBalancer",
		"network_profile.network_data_plane":              "azure",
		"default_node_pool.type":                          "VirtualMachineScaleSets",
		"key_management_service.key_vault_network_access": "Public",
	},
	"azurerm_kubernetes_cluster_node_pool": {
		"mode":    "User",
		"os_type": "Linux",
	},
	"azurerm_container_registry": {
		"admin_enabled":                 false,
		"public_network_access_enabled": true,
		"network_rule_bypass_option":    "AzureServices",
		"zone_redundancy_enabled":       false,
		"export_policy_enabled":         true,
		"trust_policy_enabled":          false,
	},
}

// applyDefaults sets the defaults of unset attributes; an attribute set
// to a value known only after apply stays unknown.
func applyDefaults(typ string, values, unk map[string]any) {
	for p, v := range providerDefaults[typ] {
		block, attr, nested := strings.Cut(p, ".")
		if !nested {
			if values[p] == nil && unk[p] == nil {
				values[p] = v
			}
			continue
		}
		list, _ := values[block].([]any)
		ulist, _ := unk[block].([]any)
		for i, x := range list {
			m, _ := x.(map[string]any)
			if m == nil {
				continue
			}
			if i < len(ulist) {
				if um, _ := ulist[i].(map[string]any); um != nil && um[attr] != nil {
					continue
				}
			}
			if m[attr] == nil {
				m[attr] = v
			}
		}
	}
}
