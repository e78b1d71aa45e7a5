package azmodel

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// Builder collects resources from every input and links them: agent
// pools, maintenance configurations and diagnostic settings to their
// cluster; tokens, webhooks, cache rules, diagnostic settings, private
// endpoints and role assignments to their registry; role assignments of a
// kubelet identity to its cluster.
type Builder struct {
	All []*Res
	// Gaps are recorded against resources by reference, for what a
	// template could not expand (a copy loop of agent pools).
	Gaps []pendingGap
}

type pendingGap struct{ ref, group, path, reason string }

func NewBuilder() *Builder { return &Builder{} }

// Gap records a gap on the cluster or registry ref refers to.
func (b *Builder) Gap(ref, group, path, reason string) {
	b.Gaps = append(b.Gaps, pendingGap{ref, group, path, reason})
}

func (b *Builder) Add(r *Res) { b.All = append(b.All, r) }

// refKey is the provider-relative part of a resource reference, lower
// case: microsoft.containerservice/managedclusters/aks-prod. Template
// pseudo ids and real ids of the same resource share it.
func refKey(ref string) string {
	low := strings.ToLower(strings.TrimSuffix(ref, "/"))
	if i := strings.LastIndex(low, "/providers/"); i >= 0 {
		low = low[i+len("/providers/"):]
	}
	return strings.TrimPrefix(low, "/")
}

// index finds resources by full id or by provider-relative key.
type index struct {
	byID  map[string]*Res
	byKey map[string][]*Res
}

// IndexSuffix is a Terraform address's count or for_each key.
var IndexSuffix = regexp.MustCompile(`\[[^\]]*\]$`)

func newIndex() *index { return &index{byID: map[string]*Res{}, byKey: map[string][]*Res{}} }

func (ix *index) put(r *Res, typ string) {
	if r.ID != "" {
		ix.byID[strings.ToLower(r.ID)] = r
	}
	key := strings.ToLower(typ + "/" + r.Name)
	if r.ID != "" {
		key = refKey(r.ID)
	}
	ix.byKey[key] = append(ix.byKey[key], r)
	// Terraform references name resources without their count or
	// for_each key.
	if strings.HasPrefix(r.ID, "tf:") {
		if base := IndexSuffix.ReplaceAllString(key, ""); base != key {
			ix.byKey[base] = append(ix.byKey[base], r)
		}
	}
}

// find resolves a reference; within a template or plan, a resource of the
// same group wins over one of the same name elsewhere.
func (ix *index) find(ref, group string) *Res {
	if ref == "" {
		return nil
	}
	if r, ok := ix.byID[strings.ToLower(ref)]; ok {
		return r
	}
	cands := ix.byKey[refKey(ref)]
	for _, c := range cands {
		if group != "" && c.Group == group {
			return c
		}
	}
	if len(cands) > 0 {
		return cands[0]
	}
	return nil
}

// clusterAcc and registryAcc gather what is linked to one resource.
type clusterAcc struct {
	r           *Res
	pools       []*Res
	maint       []*Res
	diags       []*Res
	kubeletRole []*Res
}

type registryAcc struct {
	r                             *Res
	tokens, webhooks, cache, repl []*Res
	diags, roles                  []*Res
	endpoints                     int
}

func (b *Builder) Build(out *Result) {
	clusters := newIndex()
	registries := newIndex()
	var caccs []*clusterAcc
	var raccs []*registryAcc
	cmap := map[*Res]*clusterAcc{}
	rmap := map[*Res]*registryAcc{}
	for _, r := range b.All {
		switch r.Kind {
		case KindCluster:
			clusters.put(r, "microsoft.containerservice/managedclusters")
			a := &clusterAcc{r: r}
			caccs = append(caccs, a)
			cmap[r] = a
		case KindRegistry:
			registries.put(r, "microsoft.containerregistry/registries")
			a := &registryAcc{r: r}
			raccs = append(raccs, a)
			rmap[r] = a
		}
	}
	clusterOf := func(ref, group string) *clusterAcc {
		if c := clusters.find(ref, group); c != nil {
			return cmap[c]
		}
		return nil
	}
	registryOf := func(ref, group string) *registryAcc {
		if c := registries.find(ref, group); c != nil {
			return rmap[c]
		}
		return nil
	}
	for _, r := range b.All {
		switch r.Kind {
		case KindPool:
			c := clusterOf(r.Parent, r.Group)
			if c == nil {
				if r.Origin == OriginIaC {
					// A plan or template that adds pools to a cluster
					// it does not define: check the pools on a stand-in.
					stub := &Res{Kind: KindCluster, Name: strings.TrimPrefix(r.Parent, "tf:"), Value: map[string]any{"properties": map[string]any{}},
						Gaps: aksmodel.Gaps{}, Loc: NewLocator(r.Loc.file, r.Loc.root), Origin: OriginIaC, Group: r.Group, Label: r.Label, partial: true}
					stub.Loc.Resource = r.Loc.Resource
					if strings.HasPrefix(strings.ToLower(r.Parent), "/subscriptions/") {
						stub.ID = r.Parent
					}
					clusters.put(stub, "microsoft.containerservice/managedclusters")
					c = &clusterAcc{r: stub}
					caccs = append(caccs, c)
					cmap[stub] = c
				} else {
					out.Warnings = append(out.Warnings, fmt.Sprintf("%s: agent pool %q belongs to cluster %s, which is not among the inputs; scan it with its cluster", r.Label, r.Name, r.Parent))
					continue
				}
			}
			c.pools = append(c.pools, r)
		case KindMaintenance:
			if c := clusterOf(r.Parent, r.Group); c != nil {
				c.maint = append(c.maint, r)
			}
		case KindDiagnostic:
			for _, t := range r.Targets {
				if c := clusterOf(t, r.Group); c != nil {
					c.diags = append(c.diags, r)
				} else if g := registryOf(t, r.Group); g != nil {
					g.diags = append(g.diags, r)
				}
			}
		case KindToken, KindWebhook, KindCacheRule, KindReplication:
			g := registryOf(r.Parent, r.Group)
			if g == nil {
				continue
			}
			switch r.Kind {
			case KindToken:
				g.tokens = append(g.tokens, r)
			case KindWebhook:
				g.webhooks = append(g.webhooks, r)
			case KindCacheRule:
				g.cache = append(g.cache, r)
			default:
				g.repl = append(g.repl, r)
			}
		case KindPrivateEndpoint:
			for i, t := range r.Targets {
				if g := registryOf(t, r.Group); g != nil && r.Approved[i] {
					g.endpoints++
				}
			}
		case KindRoleAssignment:
			for _, t := range r.Targets {
				if g := registryOf(t, r.Group); g != nil {
					g.roles = appendRole(g.roles, r)
				}
			}
			switch {
			case r.KubeletOf != "":
				if c := clusterOf(r.KubeletOf, r.Group); c != nil {
					c.kubeletRole = appendRole(c.kubeletRole, r)
				}
			case r.Principal != "":
				for _, c := range caccs {
					if KubeletObjectID(c.r.Value) != "" && strings.EqualFold(KubeletObjectID(c.r.Value), r.Principal) {
						c.kubeletRole = appendRole(c.kubeletRole, r)
					}
				}
			}
		}
	}
	for _, g := range b.Gaps {
		if g.ref == "" {
			for _, c := range caccs {
				if c.r.Group == g.group {
					c.r.Gaps.Add(g.path, g.reason)
				}
			}
			continue
		}
		if c := clusters.find(g.ref, g.group); c != nil {
			c.Gaps.Add(g.path, g.reason)
		} else if r := registries.find(g.ref, g.group); r != nil {
			r.Gaps.Add(g.path, g.reason)
		}
	}
	for _, c := range caccs {
		if o, errs := b.cluster(c); o != nil {
			out.Objects = append(out.Objects, o)
		} else {
			out.Errors = append(out.Errors, errs...)
		}
	}
	for _, g := range raccs {
		if o, errs := b.registry(g); o != nil {
			out.Objects = append(out.Objects, o)
		} else {
			out.Errors = append(out.Errors, errs...)
		}
	}
}

// appendRole links a role assignment once: a live scan reads the same
// assignment for the kubelet identity holding it and for the registry it
// is on, as `az role assignment list --assignee` and `--scope` outputs
// beside each other both show it. Read-back assignments are the same one
// when their ARM id, role, scope and principal are; templates and plans
// may repeat pseudo ids for different assignments and are left alone.
func appendRole(list []*Res, r *Res) []*Res {
	if r.Origin != OriginIaC && r.ID != "" {
		for _, have := range list {
			if have.Origin != OriginIaC && roleKey(have) == roleKey(r) {
				return list
			}
		}
	}
	return append(list, r)
}

func roleKey(r *Res) string {
	role, _ := LookupString(r.Value, "properties", "roleDefinitionId")
	if role == "" {
		role, _ = LookupString(r.Value, "properties", "roleDefinitionName")
	}
	return strings.ToLower(strings.Join([]string{r.ID, LastSegment(role), strings.Join(r.Targets, ","), r.Principal}, "\x00"))
}

func KubeletObjectID(v map[string]any) string {
	s, _ := LookupString(v, "properties", "identityProfile", "kubeletidentity", "objectId")
	return s
}

// decodeInto turns canonical JSON into an SDK model through the SDK's own
// UnmarshalJSON.
func decodeInto(v any, into any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}

// realID is the resource's ARM id, or "" for template pseudo ids.
func realID(r *Res) string {
	if strings.HasPrefix(strings.ToLower(r.ID), "/subscriptions/") && !strings.Contains(r.ID, "{") {
		return r.ID
	}
	return ""
}

// displayName is the resource's own name, or the best stand-in.
func displayName(r *Res) string {
	if r.Name != "" {
		return LastSegment(r.Name)
	}
	return r.Label
}

func tags(v map[string]any) map[string]string {
	t, _ := aksmodel.Lookup(v, "tags")
	m, _ := t.(map[string]any)
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, val := range m {
		if s, ok := val.(string); ok {
			out[k] = s
		}
	}
	return out
}

func (b *Builder) cluster(a *clusterAcc) (*inventory.Object, []*Error) {
	r := a.r
	mc := &armcontainerservice.ManagedCluster{}
	if err := decodeInto(r.Value, mc); err != nil {
		return nil, []*Error{{File: r.Loc.file, Line: r.Loc.root.Line, Msg: "cluster does not decode: " + err.Error()}}
	}
	if mc.Properties == nil {
		mc.Properties = &armcontainerservice.ManagedClusterProperties{}
	}
	c := &aksmodel.Cluster{ID: realID(r), Name: displayName(r), Model: mc, Raw: r.Value, Gaps: r.Gaps}
	if r.partial {
		c.Gaps.Add("properties", "the cluster is not defined in this input, only node pools added to it ("+r.Name+")")
	}
	// Inline pools.
	for i, p := range mc.Properties.AgentPoolProfiles {
		if p == nil {
			continue
		}
		raw, _ := aksmodel.Lookup(r.Value, "properties", "agentPoolProfiles")
		var praw map[string]any
		if list, ok := raw.([]any); ok && i < len(list) {
			praw, _ = list[i].(map[string]any)
		}
		c.Pools = append(c.Pools, &aksmodel.Pool{Name: aksmodel.Str(p.Name), Path: field.NewPath("properties", "agentPoolProfiles").Index(i), Profile: p, Raw: praw})
	}
	// Separate agentPools resources; a pool already inline (az output of
	// both the cluster and its pools) is read once.
	var errs []*Error
	for _, pr := range a.pools {
		ap := &armcontainerservice.AgentPool{}
		if err := decodeInto(pr.Value, ap); err != nil {
			errs = append(errs, &Error{File: pr.Loc.file, Line: pr.Loc.root.Line, Msg: "agent pool does not decode: " + err.Error()})
			continue
		}
		name := LastSegment(pr.Name)
		dup := false
		for _, existing := range c.Pools {
			if strings.EqualFold(existing.Name, name) {
				dup = true
			}
		}
		if dup && pr.Origin == originDoc {
			continue
		}
		prof := &armcontainerservice.ManagedClusterAgentPoolProfile{}
		if ap.Properties != nil {
			if err := decodeInto(ap.Properties, prof); err != nil {
				errs = append(errs, &Error{File: pr.Loc.file, Line: pr.Loc.root.Line, Msg: "agent pool does not decode: " + err.Error()})
				continue
			}
		}
		prof.Name = &name
		praw, _ := aksmodel.Lookup(pr.Value, "properties")
		pm, _ := praw.(map[string]any)
		path := field.NewPath(aksmodel.PoolsSeparate).Key(name).Child("properties")
		c.Pools = append(c.Pools, &aksmodel.Pool{Name: name, Path: path, Profile: prof, Raw: pm})
		r.Loc.mount([]string{aksmodel.PoolsSeparate, name}, pr.Loc)
		for p, reason := range pr.Gaps {
			c.Gaps.Add(aksmodel.PoolsSeparate+"["+name+"]."+p, reason)
		}
	}
	sort.SliceStable(c.Pools, func(i, j int) bool { return poolOrder(c.Pools[i]) < poolOrder(c.Pools[j]) })
	// Related data.
	c.Diagnostics, errs = diagnostics(r, a.diags, c.Gaps, "cluster", errs)
	if len(a.maint) > 0 || r.Origin != originDoc {
		c.MaintenanceConfigurations = []string{}
		for _, m := range a.maint {
			c.MaintenanceConfigurations = append(c.MaintenanceConfigurations, LastSegment(m.Name))
		}
	} else {
		c.Gaps.Add(aksmodel.GapMaintenance, "maintenance configurations are not part of this output; add `az aks maintenanceconfiguration list` output or scan live")
	}
	// From az output, the assignments are known when a role assignment
	// list shows some for this kubelet identity (az role assignment list
	// --assignee ...): one list cannot say it is complete for others.
	if len(a.kubeletRole) > 0 || r.Origin != originDoc {
		c.KubeletRoleAssignments = []aksmodel.RoleAssignment{}
		for i, ra := range a.kubeletRole {
			c.KubeletRoleAssignments = append(c.KubeletRoleAssignments, roleAssignment(ra, field.NewPath(aksmodel.GapRoleAssignments).Index(i)))
			r.Loc.mount([]string{aksmodel.GapRoleAssignments, "#" + strconv.Itoa(i)}, ra.Loc)
		}
	} else {
		c.Gaps.Add(aksmodel.GapRoleAssignments, "role assignments are not part of this output; add `az role assignment list --assignee <kubelet identity object id> --all` output or scan live")
	}
	if !r.partial && r.Origin != OriginIaC {
		addPreviewGaps(c, r.Origin)
	}
	o := inventory.NewObject(metav1.TypeMeta{Kind: aksmodel.KindCluster}, &metav1.ObjectMeta{Name: c.SubjectName(), Labels: tags(r.Value)}, c, r.Loc.Locate(""), nil)
	o.SetLocator(r.Loc.Locate)
	if r.Origin == OriginLive {
		o.SetLocator(liveLocate(c, r.ID, r.Loc))
	}
	return o, errs
}

// poolOrder keeps inline pools first, in their order, then separate ones
// by name (a stable sort keeps the rest).
// diagnostics decodes the diagnostic settings found for resource r. When
// the input cannot say (an az/ARM document without the settings beside it)
// the result is nil and a gap, so the log checks report "not assessed"
// rather than "no logs"; templates, plans and live reads are complete, so
// there an empty list means none.
func diagnostics(r *Res, found []*Res, gaps aksmodel.Gaps, what string, errs []*Error) ([]*armmonitor.DiagnosticSettingsResource, []*Error) {
	if len(found) == 0 && r.Origin == originDoc {
		gaps.Add(aksmodel.GapDiagnostics, "diagnostic settings are not part of this output; add `az monitor diagnostic-settings list --resource <"+what+" id>` output or scan live")
		return nil, errs
	}
	out := []*armmonitor.DiagnosticSettingsResource{}
	for i, d := range found {
		ds := &armmonitor.DiagnosticSettingsResource{}
		if err := decodeInto(d.Value, ds); err != nil {
			errs = append(errs, &Error{File: d.Loc.file, Line: d.Loc.root.Line, Msg: "diagnostic setting does not decode: " + err.Error()})
			continue
		}
		out = append(out, ds)
		r.Loc.mount([]string{aksmodel.GapDiagnostics, "#" + strconv.Itoa(i)}, d.Loc)
	}
	return out, errs
}

func poolOrder(p *aksmodel.Pool) int {
	if strings.HasPrefix(p.Path.String(), aksmodel.PoolsInline) {
		return 0
	}
	return 1
}

func LastSegment(name string) string {
	return name[strings.LastIndexByte(name, '/')+1:]
}

func roleAssignment(r *Res, path *field.Path) aksmodel.RoleAssignment {
	ra := aksmodel.RoleAssignment{Path: path}
	ra.PrincipalID = r.Principal
	if ra.PrincipalID == "" && r.KubeletOf != "" {
		ra.PrincipalID = "kubelet identity of " + r.KubeletOf
	}
	ra.PrincipalType, _ = LookupString(r.Value, "properties", "principalType")
	if n, _ := LookupString(r.Value, "properties", "roleDefinitionName"); n != "" {
		ra.Role = n
	} else {
		id, _ := LookupString(r.Value, "properties", "roleDefinitionId")
		ra.Role = aksmodel.RoleName(id)
	}
	if len(r.Targets) > 0 {
		ra.Scope = r.Targets[0]
	}
	return ra
}

// Preview-only fields: present in preview API versions (az with the
// aks-preview extension), absent from the stable API the SDK and the
// default az use. In a resource read back from Azure their absence says
// nothing, so the checks reading them are not assessed. A template or
// plan that does not set them deploys the API default, which is judged.
var previewClusterFields = []string{
	"properties.networkProfile.podLinkLocalAccess",
	"properties.securityProfile.imageIntegrity",
}

const previewPoolField = "securityProfile.sshAccess"

// Registry fields newer than the SDK's API version (2023-07-01): az acr
// show (a newer API) has them; ARM GET with the SDK's version does not.
var previewRegistryFields = []string{
	"properties.anonymousPullEnabled",
	"properties.policies.azureADAuthenticationAsArmPolicy",
	"properties.policies.softDeletePolicy",
}

func addPreviewGaps(c *aksmodel.Cluster, o Origin) {
	reason := "only in preview API versions of Microsoft.ContainerService and not in this input (az with the aks-preview extension shows it)"
	if o == OriginLive {
		reason = "only in preview API versions; the live scan reads the stable API"
	}
	for _, f := range previewClusterFields {
		segs := strings.Split(f, ".")
		if _, ok := aksmodel.Lookup(c.Raw, segs...); !ok {
			c.Gaps.Add(f, reason)
		}
	}
	for _, p := range c.Pools {
		if _, ok := aksmodel.Lookup(p.Raw, strings.Split(previewPoolField, ".")...); !ok {
			c.Gaps.Add(p.Path.String()+"."+previewPoolField, reason)
		}
	}
}

func (b *Builder) registry(a *registryAcc) (*inventory.Object, []*Error) {
	r := a.r
	reg := &armcontainerregistry.Registry{}
	if err := decodeInto(r.Value, reg); err != nil {
		return nil, []*Error{{File: r.Loc.file, Line: r.Loc.root.Line, Msg: "registry does not decode: " + err.Error()}}
	}
	if reg.Properties == nil {
		reg.Properties = &armcontainerregistry.RegistryProperties{}
	}
	g := &aksmodel.Registry{ID: realID(r), Name: displayName(r), Model: reg, Raw: r.Value, Gaps: r.Gaps}
	var errs []*Error
	known := r.Origin != originDoc
	g.Diagnostics, errs = diagnostics(r, a.diags, g.Gaps, "registry", errs)
	if len(a.tokens) > 0 || known {
		g.Tokens = []aksmodel.Token{}
		for _, t := range a.tokens {
			name := LastSegment(t.Name)
			status, _ := LookupString(t.Value, "properties", "status")
			g.Tokens = append(g.Tokens, aksmodel.Token{Name: name, Enabled: !strings.EqualFold(status, "disabled"), Path: field.NewPath("tokens").Key(name)})
			r.Loc.mount([]string{"tokens", name}, t.Loc)
		}
	} else {
		g.Gaps.Add(aksmodel.GapTokens, "tokens are not part of this output; add `az acr token list` output or scan live")
	}
	if len(a.webhooks) > 0 || known {
		g.Webhooks = []aksmodel.Webhook{}
		for _, w := range a.webhooks {
			name := LastSegment(w.Name)
			uri, _ := LookupString(w.Value, "properties", "serviceUri")
			if uri == "" && w.Origin != OriginIaC {
				// ARM GET and az acr webhook list hide the URI: it may
				// carry credentials.
				g.Gaps.Add(aksmodel.GapWebhooks+"["+name+"].properties.serviceUri", "the service URI is not in this output; `az acr webhook get-config` or a live scan shows it")
			}
			g.Webhooks = append(g.Webhooks, aksmodel.Webhook{Name: name, ServiceURI: uri, Path: field.NewPath("webhooks").Key(name)})
			r.Loc.mount([]string{"webhooks", name}, w.Loc)
		}
	} else {
		g.Gaps.Add(aksmodel.GapWebhooks, "webhooks are not part of this output; scan the template or plan that defines them, or live")
	}
	if len(a.cache) > 0 || known {
		g.CacheRules = []aksmodel.CacheRule{}
		for _, cr := range a.cache {
			name := LastSegment(cr.Name)
			src, _ := LookupString(cr.Value, "properties", "sourceRepository")
			g.CacheRules = append(g.CacheRules, aksmodel.CacheRule{Name: name, Source: src, Path: field.NewPath("cacheRules").Key(name)})
			r.Loc.mount([]string{"cacheRules", name}, cr.Loc)
		}
	} else {
		g.Gaps.Add(aksmodel.GapCacheRules, "cache rules are not part of this output; add `az acr cache list` output or scan live")
	}
	if known || len(a.roles) > 0 {
		g.RoleAssignments = []aksmodel.RoleAssignment{}
		for i, ra := range a.roles {
			g.RoleAssignments = append(g.RoleAssignments, roleAssignment(ra, field.NewPath(aksmodel.GapRoleAssignments).Index(i)))
			r.Loc.mount([]string{aksmodel.GapRoleAssignments, "#" + strconv.Itoa(i)}, ra.Loc)
		}
	} else {
		g.Gaps.Add(aksmodel.GapRoleAssignments, "role assignments are not part of this output; add `az role assignment list --scope <registry id>` output or scan live")
	}
	// Approved private endpoint connections, from the registry itself
	// (read-only, in az output and ARM GET) or endpoint resources beside
	// it in a template or plan.
	g.PrivateEndpoints = a.endpoints
	for _, pec := range reg.Properties.PrivateEndpointConnections {
		if pec != nil && pec.Properties != nil && pec.Properties.PrivateLinkServiceConnectionState != nil &&
			aksmodel.Str(pec.Properties.PrivateLinkServiceConnectionState.Status) == string(armcontainerregistry.ConnectionStatusApproved) {
			g.PrivateEndpoints++
		}
	}
	g.Replications = len(a.repl)
	if r.Origin != OriginIaC {
		for _, f := range previewRegistryFields {
			if _, ok := aksmodel.Lookup(g.Raw, strings.Split(f, ".")...); !ok {
				g.Gaps.Add(f, "newer than the API version this input was read with")
			}
		}
	}
	o := inventory.NewObject(metav1.TypeMeta{Kind: aksmodel.KindRegistry}, &metav1.ObjectMeta{Name: g.SubjectName(), Labels: tags(r.Value)}, g, r.Loc.Locate(""), nil)
	o.SetLocator(r.Loc.Locate)
	return o, errs
}
