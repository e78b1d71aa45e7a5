package terraform

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/azmodel"
)

// Terraform plan and state JSON (terraform show -json): every
// azurerm_kubernetes_cluster and azurerm_kubernetes_cluster_node_pool,
// azurerm_container_registry, and the resources that complete them
// (azurerm_monitor_diagnostic_setting, azurerm_role_assignment,
// azurerm_private_endpoint, registry tokens, webhooks and cache rules),
// translated to the ARM shape the checks read. Attribute names of azurerm
// v3 and v4 are both read. Values Terraform knows only after apply are
// placeholders when the configuration sets them (an id from another
// resource is set, whatever its value) and provider defaults otherwise;
// links between resources come from the configuration's references.

// AfterApply stands for a string the configuration sets but Terraform
// knows only after apply (the id of a resource created in the same plan).
const AfterApply = "(known after apply)"

// tfUnknown marks a configured value known only after apply; why, when
// set, says what it comes from.
type tfUnknown struct{ why string }

type tfResource struct {
	address string // module.aks.azurerm_kubernetes_cluster.main[0]
	base    string // module.aks.azurerm_kubernetes_cluster.main
	module  string // module.aks. (with the dot) or ""
	typ     string
	values  map[string]any
	unknown any            // change.after_unknown
	config  map[string]any // configuration expressions
	file    string
	at      azmodel.Pos // where the resource starts
	// pos is the position of a path below values (list items as #N).
	pos func(rel []string) (azmodel.Pos, bool)
	// why says, by dotted attribute path, what a value known only after
	// apply comes from (source only; plans do not say).
	why map[string]string
}

func ReadPlan(d *azmodel.Document, b *azmodel.Builder, r *azmodel.Result) {
	root, _ := d.Value.(map[string]any)
	changes := map[string]any{}
	if rcs, ok := root["resource_changes"].([]any); ok {
		for _, rc := range rcs {
			m, _ := rc.(map[string]any)
			addr, _ := m["address"].(string)
			if ch, ok := m["change"].(map[string]any); ok {
				changes[addr] = ch["after_unknown"]
			}
		}
	}
	configs := map[string]map[string]any{}
	if cfg, ok := root["configuration"].(map[string]any); ok {
		collectConfig(cfg["root_module"], "", configs)
	}
	var resources []*tfResource
	for _, top := range []string{"planned_values", "values"} {
		v, ok := root[top].(map[string]any)
		if !ok {
			continue
		}
		collectResources(d, v["root_module"], []string{top, "root_module"}, changes, configs, &resources)
		break
	}
	if readAll(resources, d.File, b, r) == 0 {
		r.Skipped = append(r.Skipped, azmodel.Skipped{File: d.File, Line: d.At.Line, Reason: "Terraform plan without AKS clusters, node pools or container registries"})
	}
}

// readAll maps the resources of one plan or one root module (group) and
// returns how many were of a type the checks read.
func readAll(resources []*tfResource, group string, b *azmodel.Builder, r *azmodel.Result) int {
	p := &plan{b: b, r: r, group: group}
	n := 0
	for _, res := range resources {
		if p.resource(res) {
			n++
		}
	}
	return n
}

func collectResources(d *azmodel.Document, mod any, path []string, changes map[string]any, configs map[string]map[string]any, out *[]*tfResource) {
	m, ok := mod.(map[string]any)
	if !ok {
		return
	}
	if rs, ok := m["resources"].([]any); ok {
		for i, x := range rs {
			rm, _ := x.(map[string]any)
			if mode, _ := rm["mode"].(string); mode != "managed" {
				continue
			}
			addr, _ := rm["address"].(string)
			typ, _ := rm["type"].(string)
			vals, _ := rm["values"].(map[string]any)
			if vals == nil {
				vals = map[string]any{}
			}
			base := azmodel.IndexSuffix.ReplaceAllString(addr, "")
			module := ""
			if i := strings.LastIndex(base, typ+"."); i > 0 {
				module = base[:i]
			}
			at := append(path[:len(path):len(path)], "resources", "#"+strconv.Itoa(i))
			valuesAt := append(at[:len(at):len(at)], "values")
			*out = append(*out, &tfResource{
				address: addr, base: base, module: module, typ: typ, values: vals,
				unknown: changes[addr], config: configs[moduleKey(base)],
				file: d.File, at: d.PosOf(at),
				pos: func(rel []string) (azmodel.Pos, bool) {
					return d.Pm.Get(append(valuesAt[:len(valuesAt):len(valuesAt)], rel...))
				},
			})
		}
	}
	if cs, ok := m["child_modules"].([]any); ok {
		for i, c := range cs {
			collectResources(d, c, append(path[:len(path):len(path)], "child_modules", "#"+strconv.Itoa(i)), changes, configs, out)
		}
	}
}

// moduleKey drops module instance keys: configuration is per module call.
func moduleKey(addr string) string {
	return regexp.MustCompile(`(module\.[^.\[]+)\[[^\]]*\]`).ReplaceAllString(addr, "$1")
}

func collectConfig(mod any, prefix string, out map[string]map[string]any) {
	m, ok := mod.(map[string]any)
	if !ok {
		return
	}
	if rs, ok := m["resources"].([]any); ok {
		for _, x := range rs {
			rm, _ := x.(map[string]any)
			addr, _ := rm["address"].(string)
			if ex, ok := rm["expressions"].(map[string]any); ok {
				out[prefix+addr] = ex
			}
		}
	}
	if calls, ok := m["module_calls"].(map[string]any); ok {
		for name, c := range calls {
			cm, _ := c.(map[string]any)
			collectConfig(cm["module"], prefix+"module."+name+".", out)
		}
	}
}

type plan struct {
	b     *azmodel.Builder
	r     *azmodel.Result
	group string
}

// conv translates one Terraform resource to ARM shape.
type conv struct {
	p    *plan
	t    *tfResource
	out  map[string]any
	loc  *azmodel.Locator
	gaps aksmodel.Gaps
	s    *azmodel.Schema
}

func (p *plan) newConv(t *tfResource, s *azmodel.Schema) *conv {
	l := azmodel.NewLocator(t.file, t.at)
	l.Resource = t.address
	l.Attr = map[string]string{}
	return &conv{p: p, t: t, out: map[string]any{}, loc: l, gaps: aksmodel.Gaps{}, s: s}
}

// get reads a Terraform attribute by path ("default_node_pool", "0",
// "host_encryption_enabled"). A configured value known only after apply
// is tfUnknown; an unconfigured one is absent (the provider's default).
func (c *conv) get(path ...string) (any, bool) {
	v := walk(c.t.values, path)
	if v != nil {
		return v, true
	}
	if u, _ := walk(c.t.unknown, path).(bool); u {
		if configured(c.t.config, path) {
			return tfUnknown{why: c.t.whyOf(path)}, true
		}
	}
	return nil, false
}

// whyOf is the reason recorded for path or its nearest ancestor.
func (t *tfResource) whyOf(path []string) string {
	for i := len(path); i > 0 && t.why != nil; i-- {
		if w, ok := t.why[strings.Join(path[:i], ".")]; ok {
			return w
		}
	}
	return ""
}

func walk(v any, path []string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// configured reports whether the configuration sets an attribute. Blocks
// nest as lists of objects in the expressions; list indexes of values
// map onto the block's (single) configuration.
func configured(cfg map[string]any, path []string) bool {
	var v any = cfg
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			if len(x) == 0 {
				return false
			}
			if i, err := strconv.Atoi(p); err == nil {
				if i < len(x) {
					v = x[i]
				} else {
					v = x[0]
				}
				continue
			}
			v = x[0]
			if m, ok := v.(map[string]any); ok {
				v = m[p]
			}
		default:
			return false
		}
		if v == nil {
			return false
		}
	}
	return v != nil
}

// references lists the resource addresses an attribute refers to, with
// the module prefix: module.aks.azurerm_kubernetes_cluster.main.
func (c *conv) references(attr string) []string {
	e, _ := c.t.config[attr].(map[string]any)
	refs, _ := e["references"].([]any)
	var out []string
	for _, r := range refs {
		s, _ := r.(string)
		out = append(out, c.t.module+s)
	}
	return out
}

// refTo returns the resource address an attribute refers to: the shortest
// reference of the form type.name (references list attribute paths first,
// then the resource).
func (c *conv) refTo(attr string) string {
	for _, r := range c.references(attr) {
		rel := strings.TrimPrefix(r, c.t.module)
		if parts := strings.Split(azmodel.IndexSuffix.ReplaceAllString(rel, ""), "."); len(parts) == 2 || (len(parts) == 3 && parts[0] == "data") {
			return "tf:" + r
		}
	}
	return ""
}

// put sets an ARM path to v, read from the Terraform path tf.
func (c *conv) put(arm string, v any, tf ...string) {
	segs := strings.Split(arm, ".")
	if u, ok := v.(tfUnknown); ok {
		if kindAt(c.s, segs) != azmodel.SchemaString || !isReference(segs) {
			c.gaps.Add(arm, u.reason(azmodel.Dotted(tfSegs(tf))))
			c.record(segs, tf)
			return
		}
		v = AfterApply
	}
	setPath(c.out, segs, v)
	c.record(segs, tf)
}

// reason is the gap of an ARM field set from a value known only after
// apply, read from the Terraform attribute tf.
func (u tfUnknown) reason(tf string) string {
	if u.why != "" {
		return "set from " + u.why + " (" + tf + ")"
	}
	return "set from a value Terraform knows only after apply (" + tf + ")"
}

func (c *conv) record(arm, tf []string) {
	if len(tf) == 0 {
		return
	}
	doc := tfSegs(tf)
	// The attribute itself, else its block: unset attributes are often
	// absent from the values.
	for i := len(doc); i > 0; i-- {
		if p, ok := c.t.pos(doc[:i]); ok {
			c.loc.Set(arm, p)
			c.loc.Attr[azmodel.SegKey(arm)] = azmodel.Dotted(doc[:i])
			if i == len(doc) {
				// List items (authorized_ip_ranges[1]) keep their own place.
				for j := 0; ; j++ {
					item := "#" + strconv.Itoa(j)
					p, ok := c.t.pos(append(doc[:i:i], item))
					if !ok {
						break
					}
					a := append(arm[:len(arm):len(arm)], item)
					c.loc.Set(a, p)
					c.loc.Attr[azmodel.SegKey(a)] = azmodel.Dotted(append(doc[:i:i], item))
				}
			}
			return
		}
	}
}

// tfSegs turns Terraform path elements into document segments (list
// indexes as #N).
func tfSegs(tf []string) []string {
	out := make([]string, len(tf))
	for i, s := range tf {
		if _, err := strconv.Atoi(s); err == nil {
			s = "#" + s
		}
		out[i] = s
	}
	return out
}

// isReference reports whether an ARM field holds the id of another
// resource (keyId, diskEncryptionSetID, workspaceId, a private DNS
// zone): one set from a resource of the same plan is set, whatever the
// id will be. Any other string known only after apply (an access mode,
// a channel) cannot be judged.
func isReference(segs []string) bool {
	last := strings.ToLower(segs[len(segs)-1])
	return strings.HasSuffix(last, "id") || strings.HasSuffix(last, "ids") || last == "privatednszone"
}

// kindAt is the schema kind of an ARM path.
func kindAt(s *azmodel.Schema, segs []string) azmodel.SchemaKind {
	for _, seg := range segs {
		switch {
		case s == nil:
			return azmodel.SchemaAny
		case s.Kind == azmodel.SchemaMap || s.Kind == azmodel.SchemaArray:
			s = s.Elem
		default:
			_, s, _ = s.Field(seg)
		}
	}
	if s == nil {
		return azmodel.SchemaAny
	}
	return s.Kind
}

// first reads the first of several attribute paths that is present
// (azurerm v4 name first, then v3), and copies it to arm through f.
func (c *conv) copy(arm string, f func(any) any, paths ...[]string) bool {
	for _, p := range paths {
		if v, ok := c.get(p...); ok {
			if _, u := v.(tfUnknown); !u && f != nil {
				v = f(v)
				if v == nil {
					return false
				}
			}
			c.put(arm, v, p...)
			return true
		}
	}
	return false
}

func path(s string) []string { return strings.Split(s, ".") }

func not(v any) any {
	if b, ok := v.(bool); ok {
		return !b
	}
	return nil
}

func enabledDisabled(on, off string) func(any) any {
	return func(v any) any {
		if b, ok := v.(bool); ok {
			if b {
				return on
			}
			return off
		}
		return nil
	}
}

func boolString(v any) any {
	if b, ok := v.(bool); ok {
		return strconv.FormatBool(b)
	}
	return nil
}

func (c *conv) present(attr string) bool {
	v, ok := c.get(attr)
	if !ok {
		return false
	}
	if l, isList := v.([]any); isList {
		return len(l) > 0
	}
	return true
}

// readers map each resource type the checks read onto the model.
var readers = map[string]func(*plan, *tfResource){
	"azurerm_kubernetes_cluster":            (*plan).cluster,
	"azurerm_kubernetes_cluster_node_pool":  (*plan).nodePool,
	"azurerm_container_registry":            (*plan).registry,
	"azurerm_monitor_diagnostic_setting":    (*plan).diagnostic,
	"azurerm_role_assignment":               (*plan).roleAssignment,
	"azurerm_private_endpoint":              (*plan).privateEndpoint,
	"azurerm_container_registry_token":      (*plan).registryChild,
	"azurerm_container_registry_webhook":    (*plan).registryChild,
	"azurerm_container_registry_cache_rule": (*plan).registryChild,
}

func (p *plan) resource(t *tfResource) bool {
	read, ok := readers[t.typ]
	if !ok {
		return false
	}
	read(p, t)
	p.r.Documents++
	return true
}

func (p *plan) add(c *conv, k azmodel.Kind, name string) *azmodel.Res {
	var issues []azmodel.Issue
	var value map[string]any
	if c.s != nil {
		value = azmodel.Canon(c.out, c.s, &issues)
	} else {
		value = c.out
	}
	for _, is := range issues {
		loc := c.loc.Locate(azmodel.Dotted(is.Path))
		p.r.Errors = append(p.r.Errors, &azmodel.Error{File: c.t.file, Line: loc.Line, Msg: c.t.address + ": " + is.Msg})
	}
	x := &azmodel.Res{Kind: k, ID: "tf:" + c.t.address, Name: name, Value: value, Gaps: c.gaps, Loc: c.loc, Origin: azmodel.OriginIaC, Group: p.group, Label: c.t.address}
	p.b.Add(x)
	return x
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}

func (p *plan) cluster(t *tfResource) {
	c := p.newConv(t, azmodel.ClusterSchema())
	name, _ := c.get("name")
	c.copy("name", nil, path("name"))
	c.copy("location", nil, path("location"))
	c.copy("tags", nil, path("tags"))
	c.copy("sku.tier", func(v any) any {
		if stringOf(v) == "Paid" {
			return "Standard"
		}
		return v
	}, path("sku_tier"))
	c.copy("identity.type", nil, path("identity.0.type"))
	c.copy("properties.servicePrincipalProfile.clientId", nil, path("service_principal.0.client_id"))
	c.copy("properties.kubernetesVersion", nil, path("kubernetes_version"))
	c.copy("properties.currentKubernetesVersion", nil, path("current_kubernetes_version"))
	c.copy("properties.supportPlan", nil, path("support_plan"))
	c.copy("properties.dnsPrefix", nil, path("dns_prefix"))
	c.copy("properties.nodeResourceGroup", nil, path("node_resource_group"))
	c.copy("properties.apiServerAccessProfile.enablePrivateCluster", nil, path("private_cluster_enabled"))
	c.copy("properties.apiServerAccessProfile.enablePrivateClusterPublicFQDN", nil, path("private_cluster_public_fqdn_enabled"))
	c.copy("properties.apiServerAccessProfile.privateDNSZone", nil, path("private_dns_zone_id"))
	c.copy("properties.apiServerAccessProfile.authorizedIPRanges", nil, path("api_server_access_profile.0.authorized_ip_ranges"), path("api_server_authorized_ip_ranges"))
	c.copy("properties.apiServerAccessProfile.enableVnetIntegration", nil, path("api_server_access_profile.0.vnet_integration_enabled"))
	c.copy("properties.apiServerAccessProfile.disableRunCommand", not, path("run_command_enabled"))
	c.copy("properties.enableRBAC", nil, path("role_based_access_control_enabled"))
	c.copy("properties.disableLocalAccounts", nil, path("local_account_disabled"))
	if c.present("azure_active_directory_role_based_access_control") {
		const aad = "azure_active_directory_role_based_access_control.0."
		// azurerm v4 always creates AKS-managed integration; v3 has
		// "managed" (false: the legacy integration).
		if !c.copy("properties.aadProfile.managed", nil, path(aad+"managed")) {
			c.put("properties.aadProfile.managed", true, path(aad+"azure_rbac_enabled")...)
		}
		c.copy("properties.aadProfile.enableAzureRBAC", nil, path(aad+"azure_rbac_enabled"))
		c.copy("properties.aadProfile.adminGroupObjectIDs", nil, path(aad+"admin_group_object_ids"))
		c.copy("properties.aadProfile.tenantID", nil, path(aad+"tenant_id"))
		c.copy("properties.aadProfile.clientAppID", nil, path(aad+"client_app_id"))
		c.copy("properties.aadProfile.serverAppID", nil, path(aad+"server_app_id"))
		c.copy("properties.aadProfile.serverAppSecret", nil, path(aad+"server_app_secret"))
	}
	c.copy("properties.identityProfile.kubeletidentity.objectId", nil, path("kubelet_identity.0.object_id"))
	c.copy("properties.securityProfile.workloadIdentity.enabled", nil, path("workload_identity_enabled"))
	c.copy("properties.oidcIssuerProfile.enabled", nil, path("oidc_issuer_enabled"))
	const np = "network_profile.0."
	c.copy("properties.networkProfile.networkPlugin", nil, path(np+"network_plugin"))
	c.copy("properties.networkProfile.networkPluginMode", nil, path(np+"network_plugin_mode"))
	c.copy("properties.networkProfile.networkPolicy", nil, path(np+"network_policy"))
	c.copy("properties.networkProfile.networkDataplane", nil, path(np+"network_data_plane"), path(np+"ebpf_data_plane"))
	c.copy("properties.networkProfile.outboundType", nil, path(np+"outbound_type"))
	c.copy("properties.networkProfile.loadBalancerSku", nil, path(np+"load_balancer_sku"))
	c.copy("properties.diskEncryptionSetID", nil, path("disk_encryption_set_id"))
	if c.present("key_management_service") {
		c.put("properties.securityProfile.azureKeyVaultKms.enabled", true, path("key_management_service.0")...)
		c.copy("properties.securityProfile.azureKeyVaultKms.keyId", nil, path("key_management_service.0.key_vault_key_id"))
		c.copy("properties.securityProfile.azureKeyVaultKms.keyVaultNetworkAccess", nil, path("key_management_service.0.key_vault_network_access"))
	}
	c.copy("properties.securityProfile.imageCleaner.enabled", nil, path("image_cleaner_enabled"))
	c.copy("properties.securityProfile.imageCleaner.intervalHours", nil, path("image_cleaner_interval_hours"))
	if c.present("microsoft_defender") {
		c.put("properties.securityProfile.defender.securityMonitoring.enabled", true, path("microsoft_defender.0")...)
		c.copy("properties.securityProfile.defender.logAnalyticsWorkspaceResourceId", nil, path("microsoft_defender.0.log_analytics_workspace_id"))
	}
	if c.present("monitor_metrics") {
		c.put("properties.azureMonitorProfile.metrics.enabled", true, path("monitor_metrics.0")...)
	}
	c.copy("properties.autoUpgradeProfile.upgradeChannel", nil, path("automatic_upgrade_channel"), path("automatic_channel_upgrade"))
	c.copy("properties.autoUpgradeProfile.nodeOSUpgradeChannel", nil, path("node_os_upgrade_channel"), path("node_os_channel_upgrade"))
	c.copy("properties.addonProfiles.httpApplicationRouting.enabled", nil, path("http_application_routing_enabled"))
	c.copy("properties.addonProfiles.azurepolicy.enabled", nil, path("azure_policy_enabled"))
	if c.present("oms_agent") {
		c.put("properties.addonProfiles.omsagent.enabled", true, path("oms_agent.0")...)
		c.copy("properties.addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID", nil, path("oms_agent.0.log_analytics_workspace_id"))
		c.copy("properties.addonProfiles.omsagent.config.useAADAuth", boolString, path("oms_agent.0.msi_auth_for_monitoring_enabled"))
	}
	if c.present("key_vault_secrets_provider") {
		c.put("properties.addonProfiles.azureKeyvaultSecretsProvider.enabled", true, path("key_vault_secrets_provider.0")...)
		c.copy("properties.addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation", boolString, path("key_vault_secrets_provider.0.secret_rotation_enabled"))
	}
	// The default node pool is the first inline pool.
	if c.present("default_node_pool") {
		pool := map[string]any{}
		p.poolInto(c, pool, "properties.agentPoolProfiles.#0.", "default_node_pool.0.", true)
		props, _ := c.out["properties"].(map[string]any)
		if props == nil {
			props = map[string]any{}
			c.out["properties"] = props
		}
		props["agentPoolProfiles"] = []any{pool}
	}
	x := p.add(c, azmodel.KindCluster, stringOf(name))
	if stringOf(name) == "" {
		x.Name = t.address
	}
	// Planned maintenance windows are blocks of the cluster.
	for block, cfgName := range map[string]string{"maintenance_window_auto_upgrade": "aksManagedAutoUpgradeSchedule", "maintenance_window_node_os": "aksManagedNodeOSUpgradeSchedule", "maintenance_window": "default"} {
		if c.present(block) {
			p.b.Add(&azmodel.Res{Kind: azmodel.KindMaintenance, Name: cfgName, Parent: x.ID, Value: map[string]any{}, Gaps: aksmodel.Gaps{}, Loc: c.loc, Origin: azmodel.OriginIaC, Group: p.group, Label: t.address})
		}
	}
}

// poolInto translates a node pool's attributes (default_node_pool or an
// azurerm_kubernetes_cluster_node_pool) into an agent pool profile.
func (p *plan) poolInto(c *conv, pool map[string]any, armPrefix, tfPrefix string, system bool) {
	put := func(arm string, f func(any) any, tf ...string) {
		for _, t := range tf {
			if v, ok := c.get(path(tfPrefix + t)...); ok {
				if _, u := v.(tfUnknown); !u && f != nil {
					if v = f(v); v == nil {
						return
					}
				}
				segs := strings.Split(armPrefix+arm, ".")
				c.record(segs, path(tfPrefix+t))
				if u, isU := v.(tfUnknown); isU {
					if kindAt(azmodel.AgentPoolSchema(), append([]string{"properties"}, strings.Split(arm, ".")...)) != azmodel.SchemaString || !isReference(segs) {
						c.gaps.Add(azmodel.Dotted(segs), u.reason(azmodel.Dotted(tfSegs(path(tfPrefix+t)))))
						return
					}
					v = AfterApply
				}
				setPath(pool, strings.Split(arm, "."), v)
				return
			}
		}
	}
	put("name", nil, "name")
	put("vmSize", nil, "vm_size")
	put("count", nil, "node_count")
	put("minCount", nil, "min_count")
	put("maxCount", nil, "max_count")
	put("enableAutoScaling", nil, "auto_scaling_enabled", "enable_auto_scaling")
	put("enableEncryptionAtHost", nil, "host_encryption_enabled", "enable_host_encryption")
	put("enableNodePublicIP", nil, "node_public_ip_enabled", "enable_node_public_ip")
	put("enableFIPS", nil, "fips_enabled")
	put("osDiskType", nil, "os_disk_type")
	put("osSKU", nil, "os_sku")
	put("osType", nil, "os_type")
	put("orchestratorVersion", nil, "orchestrator_version")
	put("maxPods", nil, "max_pods")
	put("availabilityZones", nil, "zones")
	put("type", nil, "type")
	put("nodeTaints", nil, "node_taints")
	if system {
		pool["mode"] = "System"
	} else {
		pool["mode"] = "User"
		put("mode", nil, "mode")
	}
	if v, _ := c.get(path(tfPrefix + "only_critical_addons_enabled")...); v == true {
		taints, _ := pool["nodeTaints"].([]any)
		pool["nodeTaints"] = append(taints, "CriticalAddonsOnly=true:NoSchedule")
		c.record(strings.Split(armPrefix+"nodeTaints", "."), path(tfPrefix+"only_critical_addons_enabled"))
	}
}

func setPath(m map[string]any, segs []string, v any) {
	for _, s := range segs[:len(segs)-1] {
		next, ok := m[s].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[s] = next
		}
		m = next
	}
	m[segs[len(segs)-1]] = v
}

func (p *plan) nodePool(t *tfResource) {
	c := p.newConv(t, azmodel.AgentPoolSchema())
	name, _ := c.get("name")
	props := map[string]any{}
	p.poolInto(c, props, "properties.", "", false)
	c.out["properties"] = props
	x := p.add(c, azmodel.KindPool, stringOf(name))
	x.Parent = c.refTo("kubernetes_cluster_id")
	// A data source is a cluster outside the plan: its id, when known,
	// names it better than the data source's address.
	if x.Parent == "" || strings.HasPrefix(strings.TrimPrefix(x.Parent, "tf:"+t.module), "data.") {
		if id, _ := c.get("kubernetes_cluster_id"); stringOf(id) != "" && stringOf(id) != AfterApply {
			x.Parent = stringOf(id)
		}
	}
	if x.Parent == "" {
		x.Parent = "tf:" + t.address + " (cluster unknown)"
	}
}

func (p *plan) registry(t *tfResource) {
	c := p.newConv(t, azmodel.RegistrySchema())
	name, _ := c.get("name")
	c.copy("name", nil, path("name"))
	c.copy("location", nil, path("location"))
	c.copy("tags", nil, path("tags"))
	c.copy("sku.name", nil, path("sku"))
	c.copy("properties.adminUserEnabled", nil, path("admin_enabled"))
	c.copy("properties.anonymousPullEnabled", nil, path("anonymous_pull_enabled"))
	c.copy("properties.publicNetworkAccess", enabledDisabled("Enabled", "Disabled"), path("public_network_access_enabled"))
	c.copy("properties.networkRuleSet.defaultAction", nil, path("network_rule_set.0.default_action"))
	c.copy("properties.networkRuleBypassOptions", nil, path("network_rule_bypass_option"))
	c.copy("properties.dataEndpointEnabled", nil, path("data_endpoint_enabled"))
	c.copy("properties.zoneRedundancy", enabledDisabled("Enabled", "Disabled"), path("zone_redundancy_enabled"))
	c.copy("properties.policies.exportPolicy.status", enabledDisabled("enabled", "disabled"), path("export_policy_enabled"))
	c.copy("properties.policies.quarantinePolicy.status", enabledDisabled("enabled", "disabled"), path("quarantine_policy_enabled"))
	c.copy("properties.policies.trustPolicy.status", enabledDisabled("enabled", "disabled"), path("trust_policy_enabled"), path("trust_policy.0.enabled"))
	c.copy("properties.policies.retentionPolicy.status", func(v any) any {
		if d, ok := v.(float64); ok {
			if d > 0 {
				return "enabled"
			}
			return "disabled"
		}
		return enabledDisabled("enabled", "disabled")(v)
	}, path("retention_policy_in_days"), path("retention_policy.0.enabled"))
	if c.present("encryption") {
		if !c.copy("properties.encryption.status", enabledDisabled("enabled", "disabled"), path("encryption.0.enabled")) {
			c.put("properties.encryption.status", "enabled", path("encryption.0.key_vault_key_id")...)
		}
	}
	x := p.add(c, azmodel.KindRegistry, stringOf(name))
	if stringOf(name) == "" {
		x.Name = t.address
	}
	if reps, _ := c.get("georeplications"); reps != nil {
		if l, ok := reps.([]any); ok {
			for i := range l {
				p.b.Add(&azmodel.Res{Kind: azmodel.KindReplication, Name: fmt.Sprintf("georeplication-%d", i), Parent: x.ID, Value: map[string]any{}, Gaps: aksmodel.Gaps{}, Loc: c.loc, Origin: azmodel.OriginIaC, Group: p.group, Label: t.address})
			}
		}
	}
}

// target resolves a reference attribute to a resource in the plan, or to
// its value (the id of a resource outside the plan).
func (c *conv) target(attr string) string {
	if r := c.refTo(attr); r != "" {
		return r
	}
	v, _ := c.get(attr)
	return stringOf(v)
}

func (p *plan) diagnostic(t *tfResource) {
	c := p.newConv(t, azmodel.DiagnosticSchema())
	name, _ := c.get("name")
	c.copy("properties.workspaceId", nil, path("log_analytics_workspace_id"))
	c.copy("properties.storageAccountId", nil, path("storage_account_id"))
	c.copy("properties.eventHubAuthorizationRuleId", nil, path("eventhub_authorization_rule_id"))
	c.copy("properties.marketplacePartnerId", nil, path("partner_solution_id"))
	var logs []any
	for _, block := range []string{"enabled_log", "log"} {
		v, _ := c.get(block)
		list, _ := v.([]any)
		for i, item := range list {
			m, _ := item.(map[string]any)
			entry := map[string]any{"enabled": true}
			if e, ok := m["enabled"].(bool); ok {
				entry["enabled"] = e
			}
			if s := stringOf(m["category"]); s != "" {
				entry["category"] = s
			}
			if s := stringOf(m["category_group"]); s != "" {
				entry["categoryGroup"] = s
			}
			c.record([]string{"properties", "logs", "#" + strconv.Itoa(len(logs))}, []string{block, strconv.Itoa(i)})
			logs = append(logs, entry)
		}
	}
	c.put("properties.logs", logs)
	x := p.add(c, azmodel.KindDiagnostic, stringOf(name))
	x.Targets = []string{c.target("target_resource_id")}
}

func (p *plan) roleAssignment(t *tfResource) {
	c := p.newConv(t, nil)
	c.copy("properties.principalId", nil, path("principal_id"))
	c.copy("properties.principalType", nil, path("principal_type"))
	c.copy("properties.roleDefinitionName", nil, path("role_definition_name"))
	c.copy("properties.roleDefinitionId", nil, path("role_definition_id"))
	x := p.add(c, azmodel.KindRoleAssignment, "")
	x.Targets = []string{c.target("scope")}
	if pid := stringOf(walk(c.out, path("properties.principalId"))); pid != "" && pid != AfterApply {
		x.Principal = pid
	}
	for _, r := range c.references("principal_id") {
		if i := strings.Index(r, ".kubelet_identity"); i > 0 {
			x.KubeletOf = "tf:" + r[:i]
			break
		}
	}
}

func (p *plan) privateEndpoint(t *tfResource) {
	c := p.newConv(t, nil)
	x := p.add(c, azmodel.KindPrivateEndpoint, "")
	v, _ := c.get("private_service_connection")
	list, _ := v.([]any)
	for _, item := range list {
		m, _ := item.(map[string]any)
		target := stringOf(m["private_connection_resource_id"])
		if r := c.refTo("private_service_connection"); r != "" && (target == "" || target == AfterApply) {
			target = r
		}
		if r := refInBlock(c, "private_service_connection", "private_connection_resource_id"); r != "" {
			target = r
		}
		if target == "" {
			continue
		}
		manual, _ := m["is_manual_connection"].(bool)
		x.Targets = append(x.Targets, target)
		x.Approved = append(x.Approved, !manual)
	}
}

// refInBlock resolves a reference made inside a nested block.
func refInBlock(c *conv, block, attr string) string {
	blocks, _ := c.t.config[block].([]any)
	for _, b := range blocks {
		m, _ := b.(map[string]any)
		e, _ := m[attr].(map[string]any)
		refs, _ := e["references"].([]any)
		for _, r := range refs {
			s := stringOf(r)
			if parts := strings.Split(s, "."); len(parts) == 2 {
				return "tf:" + c.t.module + s
			}
		}
	}
	return ""
}

func (p *plan) registryChild(t *tfResource) {
	c := p.newConv(t, nil)
	name, _ := c.get("name")
	var k azmodel.Kind
	var parentAttr string
	switch t.typ {
	case "azurerm_container_registry_token":
		k, parentAttr = azmodel.KindToken, "container_registry_name"
		c.copy("properties.status", enabledDisabled("enabled", "disabled"), path("enabled"))
	case "azurerm_container_registry_webhook":
		k, parentAttr = azmodel.KindWebhook, "registry_name"
		c.copy("properties.serviceUri", nil, path("service_uri"))
	default:
		k, parentAttr = azmodel.KindCacheRule, "container_registry_id"
		c.copy("properties.sourceRepository", nil, path("source_repo"))
	}
	x := p.add(c, k, stringOf(name))
	x.Parent = c.refTo(parentAttr)
	if x.Parent == "" {
		if v, _ := c.get(parentAttr); stringOf(v) != "" {
			x.Parent = stringOf(v)
			if !strings.Contains(x.Parent, "/") {
				x.Parent = "Microsoft.ContainerRegistry/registries/" + x.Parent
			}
		}
	}
}
