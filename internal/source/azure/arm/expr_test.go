package arm

import (
	"reflect"
	"strings"
	"testing"
)

func TestExpressions(t *testing.T) {
	sc := &scope{
		params: map[string]func() any{
			"name": func() any { return "aks-prod" },
			"pools": func() any {
				return []any{map[string]any{"name": "web", "count": 3.0}, map[string]any{"name": "jobs", "count": 1.0}}
			},
			"enabled": func() any { return true },
			"nodef":   func() any { return unknown{"no default"} },
		},
		vars:    map[string]func() any{"prefix": func() any { return "shop" }},
		copies:  map[string]int{"": 1, "pools": 1},
		symbols: map[string]string{"aks": "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerService/managedClusters/aks-prod"},
	}
	tests := []struct {
		in   string
		want any
	}{
		{"plain", "plain"},
		{"[[literal]", "[literal]"},
		{"[parameters('name')]", "aks-prod"},
		{"[concat(variables('prefix'), '-', parameters('name'))]", "shop-aks-prod"},
		{"[format('{0}/{1}', parameters('name'), 'pool')]", "aks-prod/pool"},
		{"[toLower('ABC')]", "abc"},
		{"[parameters('pools')[copyIndex()].name]", "jobs"},
		{"[parameters('pools')[copyIndex('pools')]['count']]", 1.0},
		{"[length(parameters('pools'))]", 2.0},
		{"[if(parameters('enabled'), 'Enabled', 'Disabled')]", "Enabled"},
		{"[not(equals(parameters('name'), 'x'))]", true},
		{"[and(true(), or(false(), parameters('enabled')))]", true},
		{"[createArray('1', '2', '3')]", []any{"1", "2", "3"}},
		{"[union(createObject('a', 1), createObject('b', 2))]", map[string]any{"a": 1.0, "b": 2.0}},
		{"[resourceId('Microsoft.ContainerService/managedClusters', parameters('name'))]", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerService/managedClusters/aks-prod"},
		{"[resourceId('rg-net', 'Microsoft.Network/virtualNetworks/subnets', 'vnet', 'snet')]", "/subscriptions/{subscriptionId}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet"},
		{"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')]", "/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d"},
		{"[resourceGroup().location]", "{resourceGroupLocation}"},
		{"[tryGet(parameters('pools')[0], 'missing')]", nil},
		{"[coalesce(null(), 'x')]", "x"},
		{"[string(parameters('enabled'))]", "True"},
		{"[split('a,b', ',')]", []any{"a", "b"}},
	}
	for _, tt := range tests {
		if got := sc.evalString(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestUnknownExpressions(t *testing.T) {
	sc := &scope{params: map[string]func() any{"nodef": func() any { return unknown{"no default"} }}, vars: map[string]func() any{}, copies: map[string]int{}}
	for in, reason := range map[string]string{
		"[parameters('nodef')]":              "no default",
		"[concat('x', parameters('nodef'))]": "no default",
		"[listKeys(resourceId('Microsoft.Storage/storageAccounts', 's'), '2023-01-01').keys[0].value]": "not evaluated before deployment",
		"[pickZones('Microsoft.Compute', 'virtualMachines', 'westus2')]":                               "not evaluated before deployment",
		"[parameters('undeclared')]":      "not declared",
		"[concat('a']":                    "does not parse",
		"[if(parameters('nodef'), 1, 2)]": "condition unknown",
	} {
		got := sc.evalString(in)
		u, ok := got.(unknown)
		if !ok || !strings.Contains(u.reason, reason) {
			t.Errorf("%s = %#v, want unknown with %q", in, got, reason)
		}
	}
	// reference() stays traceable: a kubelet identity is recognised.
	r, ok := sc.evalString("[reference(resourceId('Microsoft.ContainerService/managedClusters', 'aks'), '2025-02-01').identityProfile.kubeletidentity.objectId]").(ref)
	if !ok || !isKubeletPath(r.path) || !strings.HasSuffix(r.target, "/managedClusters/aks") {
		t.Errorf("reference: %#v", r)
	}
}
