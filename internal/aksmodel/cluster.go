package aksmodel

import (
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Inventory kinds of the Azure-side objects.
const (
	KindCluster  = "ManagedCluster"
	KindRegistry = "ContainerRegistry"
)

// Cluster is one AKS managed cluster.
type Cluster struct {
	// ID is the ARM resource id when the input has one (az output, ARM GET,
	// live); empty for templates and plans, which deploy to a scope chosen
	// later.
	ID string
	// Name is the cluster's name, or the best stand-in the input offers
	// (a Terraform address, a template expression).
	Name string
	// Model is the cluster in the SDK's type. Model.Properties is never
	// nil; agent pools are in Pools, not read from Model.
	Model *armcontainerservice.ManagedCluster
	// Raw is the cluster's JSON in ARM shape (nested "properties", ARM
	// key spelling), including keys the SDK type does not know.
	Raw map[string]any
	// Pools are every node pool: the inline agentPoolProfiles and the
	// separate agentPools resources of the same cluster.
	Pools []*Pool
	// Diagnostics are the cluster's diagnostic settings; nil when the
	// input does not say (Gaps then names DiagnosticSettings).
	Diagnostics []*armmonitor.DiagnosticSettingsResource
	// MaintenanceConfigurations are the names of the cluster's planned
	// maintenance configurations; nil when unknown.
	MaintenanceConfigurations []string
	// KubeletRoleAssignments are the role assignments held by the kubelet
	// identity; nil when unknown.
	KubeletRoleAssignments []RoleAssignment
	// Gaps are the fields the input could not provide.
	Gaps Gaps
	// Env is the run's context; set by the scan before checks run.
	Env *Env
}

// Pool is one node pool with the path its fields are reported under.
type Pool struct {
	Name string
	// Path is properties.agentPoolProfiles[i] for inline pools and
	// agentPools[name].properties for separate agentPools resources.
	Path *field.Path
	// Profile holds the pool's settings. Separate agentPools resources
	// are converted to the inline type, which has the same fields.
	Profile *armcontainerservice.ManagedClusterAgentPoolProfile
	// Raw is the pool's JSON (the profile, or the agentPools properties).
	Raw map[string]any
}

// Pseudo-paths in Gaps for data that is not a field of the cluster.
const (
	GapDiagnostics     = "diagnosticSettings"
	GapMaintenance     = "maintenanceConfigurations"
	GapRoleAssignments = "roleAssignments"
)

// P returns the cluster's properties, never nil. Sources set them; an
// empty value stands in for a cluster built without any.
func (c *Cluster) P() *armcontainerservice.ManagedClusterProperties {
	if c.Model == nil || c.Model.Properties == nil {
		return &armcontainerservice.ManagedClusterProperties{}
	}
	return c.Model.Properties
}

// Field is the path of a cluster property: Field("enableRBAC") is
// properties.enableRBAC.
func (c *Cluster) Field(names ...string) *field.Path {
	return field.NewPath("properties", names...)
}

// Field is the path of a pool property.
func (p *Pool) Field(names ...string) *field.Path {
	return p.Path.Child(names[0], names[1:]...)
}

// Addon finds an add-on profile by name. Add-on keys are case-insensitive
// in ARM (omsagent and omsAgent, azurepolicy and azurePolicy both occur);
// key is the spelling the input used, for field paths.
func (c *Cluster) Addon(name string) (key string, addon *armcontainerservice.ManagedClusterAddonProfile) {
	for k, v := range c.P().AddonProfiles {
		if strings.EqualFold(k, name) && v != nil {
			return k, v
		}
	}
	return name, nil
}

// AddonEnabled reports whether the add-on is present and enabled.
func (c *Cluster) AddonEnabled(name string) bool {
	_, a := c.Addon(name)
	return a != nil && Bool(a.Enabled)
}

// AddonConfig returns a config value of an add-on, matching the key
// case-insensitively, with the key as spelled.
func AddonConfig(a *armcontainerservice.ManagedClusterAddonProfile, key string) (string, string, bool) {
	if a == nil {
		return key, "", false
	}
	for k, v := range a.Config {
		if strings.EqualFold(k, key) && v != nil {
			return k, *v, true
		}
	}
	return key, "", false
}

// Private reports whether the API server has only a private endpoint.
func (c *Cluster) Private() bool {
	a := c.P().APIServerAccessProfile
	return a != nil && Bool(a.EnablePrivateCluster)
}

// VNetIntegration reports whether API Server VNet Integration is on, a
// field of preview API versions read from the raw JSON.
func (c *Cluster) VNetIntegration() bool {
	v, _ := Lookup(c.Raw, "properties", "apiServerAccessProfile", "enableVnetIntegration")
	b, _ := v.(bool)
	return b
}

// Version returns the control plane's Kubernetes version and the path it
// was read from: currentKubernetesVersion when the input has it (it is
// what runs), else kubernetesVersion (which may be an alias like 1.30).
func (c *Cluster) Version() (string, *field.Path) {
	p := c.P()
	if v := Str(p.CurrentKubernetesVersion); v != "" {
		return v, c.Field("currentKubernetesVersion")
	}
	return Str(p.KubernetesVersion), c.Field("kubernetesVersion")
}

// Version returns the pool's Kubernetes version and its path, or "" when
// the pool does not set one (it then runs the control plane's).
func (p *Pool) Version() (string, *field.Path) {
	if v := Str(p.Profile.CurrentOrchestratorVersion); v != "" {
		return v, p.Field("currentOrchestratorVersion")
	}
	return Str(p.Profile.OrchestratorVersion), p.Field("orchestratorVersion")
}

// Linux reports whether the pool runs Linux (the default OS type).
func (p *Pool) Linux() bool {
	return p.Profile.OSType == nil || *p.Profile.OSType == armcontainerservice.OSTypeLinux
}

// System reports whether the pool is a System-mode pool.
func (p *Pool) System() bool {
	return p.Profile.Mode != nil && *p.Profile.Mode == armcontainerservice.AgentPoolModeSystem
}

// SupportPlanLTS reports whether the cluster is on the long-term support
// plan with the Premium tier that the plan requires.
func (c *Cluster) SupportPlanLTS() bool {
	p := c.P()
	if p.SupportPlan == nil || *p.SupportPlan != armcontainerservice.KubernetesSupportPlanAKSLongTermSupport {
		return false
	}
	if c.Model == nil {
		return false
	}
	s := c.Model.SKU
	return s != nil && s.Tier != nil && *s.Tier == armcontainerservice.ManagedClusterSKUTierPremium
}

// Label names the cluster in messages: its name (the ARM id, long, is the
// finding's subject).
func (c *Cluster) Label() string { return c.Name }

// SubjectName is what findings name the cluster by: the ARM id when known
// (policy exceptions match it with resources.armId), else the name.
func (c *Cluster) SubjectName() string {
	if c.ID != "" {
		return c.ID
	}
	return c.Name
}

// Bool dereferences an optional bool; absent is false.
func Bool(b *bool) bool { return b != nil && *b }

// Str dereferences an optional string; absent is "".
func Str[T ~string](s *T) string {
	if s == nil {
		return ""
	}
	return string(*s)
}

// Lookup reads a value from ARM-shaped JSON, matching keys
// case-insensitively as ARM does.
func Lookup(m map[string]any, keys ...string) (any, bool) {
	var cur any = m
	for _, k := range keys {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		v, ok := obj[k]
		if !ok {
			found := false
			for kk, vv := range obj {
				if strings.EqualFold(kk, k) {
					v, found = vv, true
					break
				}
			}
			if !found {
				return nil, false
			}
		}
		cur = v
	}
	return cur, true
}

// NetworkPolicyEngine is the engine that enforces NetworkPolicies in the
// cluster (networkProfile.networkPolicy: azure, calico, cilium), "none"
// when AKS runs none (the property left out means none), or "" when the
// input cannot say (a template expression). It tells the NetworkPolicy
// model (internal/analysis/netpol) whether policies in manifests scanned
// with this cluster as context take effect at all.
func (c *Cluster) NetworkPolicyEngine() string {
	const path = "properties.networkProfile.networkPolicy"
	if len(c.Gaps.Overlapping(path)) > 0 {
		return ""
	}
	v, _ := Lookup(c.Raw, "properties", "networkProfile", "networkPolicy")
	s, _ := v.(string)
	if s == "" {
		return "none"
	}
	return strings.ToLower(s)
}

// PodIMDSBlocked reports networkProfile.podLinkLocalAccess None: AKS
// itself keeps pods (other than host-network ones) from reaching the
// instance metadata service, whatever their NetworkPolicies allow.
func (c *Cluster) PodIMDSBlocked() bool {
	v, _ := Lookup(c.Raw, "properties", "networkProfile", "podLinkLocalAccess")
	s, _ := v.(string)
	return strings.EqualFold(s, "None")
}
