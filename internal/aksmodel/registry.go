package aksmodel

import (
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Registry is one Azure Container Registry.
type Registry struct {
	// ID is the ARM resource id when known; Name the registry's name.
	ID, Name string
	// Model is the registry in the SDK's type; Model.Properties is never
	// nil.
	Model *armcontainerregistry.Registry
	// Raw is the registry's JSON in ARM shape. Fields newer than the SDK
	// (anonymousPullEnabled, policies.softDeletePolicy,
	// policies.azureADAuthenticationAsArmPolicy) are read from here.
	Raw map[string]any
	// Diagnostics are the registry's diagnostic settings; nil if unknown.
	Diagnostics []*armmonitor.DiagnosticSettingsResource
	// Tokens, Webhooks and CacheRules are the registry's child resources;
	// nil when unknown.
	Tokens     []Token
	Webhooks   []Webhook
	CacheRules []CacheRule
	// PrivateEndpoints counts approved private endpoint connections,
	// from the registry itself or private endpoint resources beside it
	// in a template or plan.
	PrivateEndpoints int
	// Replications counts geo-replications the input shows.
	Replications int
	// RoleAssignments are the role assignments on the registry's scope;
	// nil when unknown.
	RoleAssignments []RoleAssignment
	Gaps            Gaps
}

// Token is a repository-scoped access token (registries/tokens).
type Token struct {
	Name    string
	Enabled bool
	// Path is where the token is declared, for findings.
	Path *field.Path
}

// Webhook is a registry webhook. ServiceURI is empty when the input does
// not show it (ARM GET hides it: it may hold credentials).
type Webhook struct {
	Name       string
	ServiceURI string
	Path       *field.Path
}

// CacheRule is an artifact-cache rule pulling from an upstream registry.
type CacheRule struct {
	Name, Source string
	Path         *field.Path
}

// Pseudo-paths in a registry's Gaps.
const (
	GapTokens     = "tokens"
	GapWebhooks   = "webhooks"
	GapCacheRules = "cacheRules"
)

// SubjectName is the ARM id when known, else the name.
func (r *Registry) SubjectName() string {
	if r.ID != "" {
		return r.ID
	}
	return r.Name
}

// P returns the registry's properties, never nil.
func (r *Registry) P() *armcontainerregistry.RegistryProperties {
	if r.Model == nil || r.Model.Properties == nil {
		return &armcontainerregistry.RegistryProperties{}
	}
	return r.Model.Properties
}

// Field is the path of a registry property.
func (r *Registry) Field(names ...string) *field.Path {
	return field.NewPath("properties", names...)
}

// SKU returns the registry's SKU name (Basic, Standard, Premium) or "".
func (r *Registry) SKU() string {
	if r.Model == nil || r.Model.SKU == nil {
		return ""
	}
	return Str(r.Model.SKU.Name)
}

// PublicAccessDisabled reports whether publicNetworkAccess is Disabled.
func (r *Registry) PublicAccessDisabled() bool {
	p := r.P().PublicNetworkAccess
	return p != nil && *p == armcontainerregistry.PublicNetworkAccessDisabled
}

// RawString reads a string field from the raw JSON under properties.
func (r *Registry) RawString(keys ...string) (string, bool) {
	v, ok := Lookup(r.Raw, append([]string{"properties"}, keys...)...)
	s, isStr := v.(string)
	return s, ok && isStr
}

// RoleAssignment is one Azure role assignment.
type RoleAssignment struct {
	PrincipalID   string
	PrincipalType string
	// Role is the role's name when known (AcrPull), else its definition
	// id's last segment (a GUID); RoleName resolves built-in GUIDs.
	Role  string
	Scope string
	// Path locates the assignment for findings.
	Path *field.Path
}

// Built-in role definition GUIDs that matter for registries.
var builtinRoles = map[string]string{
	"7f951dda-4ed3-4680-a7ca-43fe172d538d": "AcrPull",
	"8311e382-0749-4cb8-b61a-304f252e45ec": "AcrPush",
	"c2f4ef07-c644-48eb-af81-4b1b4947fb11": "AcrDelete",
	"6cef56e8-d556-48e5-a04f-b8e64114680f": "AcrImageSigner",
	"cdda3590-29a3-44f6-95f2-9f980659eb04": "AcrQuarantineReader",
	"c8d4ff99-41c3-41a8-9f60-21dfdad59608": "AcrQuarantineWriter",
	"8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
	"b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
	"acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader",
	"18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
	"f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
}

// RoleName resolves a role given by name or by definition id (a GUID or
// a full .../roleDefinitions/GUID id) to the built-in role's name.
func RoleName(role string) string {
	id := role[strings.LastIndexByte(role, '/')+1:]
	if n, ok := builtinRoles[strings.ToLower(id)]; ok {
		return n
	}
	return role
}
