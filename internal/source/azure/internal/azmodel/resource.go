package azmodel

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
)

// Kind is the kind of an Azure resource Bulwark reads.
type Kind int

const (
	KindCluster Kind = iota
	KindPool
	KindMaintenance
	KindDiagnostic
	KindRegistry
	KindToken
	KindWebhook
	KindCacheRule
	KindReplication
	KindRoleAssignment
	KindPrivateEndpoint
)

var kindByType = map[string]Kind{
	"microsoft.containerservice/managedclusters":                           KindCluster,
	"microsoft.containerservice/managedclusters/agentpools":                KindPool,
	"microsoft.containerservice/managedclusters/maintenanceconfigurations": KindMaintenance,
	"microsoft.insights/diagnosticsettings":                                KindDiagnostic,
	"microsoft.containerregistry/registries":                               KindRegistry,
	"microsoft.containerregistry/registries/tokens":                        KindToken,
	"microsoft.containerregistry/registries/webhooks":                      KindWebhook,
	"microsoft.containerregistry/registries/cacherules":                    KindCacheRule,
	"microsoft.containerregistry/registries/replications":                  KindReplication,
	"microsoft.authorization/roleassignments":                              KindRoleAssignment,
	"microsoft.network/privateendpoints":                                   KindPrivateEndpoint,
}

// KindOf maps an ARM resource type to a kind. Old templates nest
// diagnostic settings as <type>/providers/diagnosticSettings.
func KindOf(typ string) (Kind, bool) {
	t := strings.ToLower(typ)
	if k, ok := kindByType[t]; ok {
		return k, true
	}
	if strings.HasSuffix(t, "/providers/diagnosticsettings") {
		return KindDiagnostic, true
	}
	return 0, false
}

// Origin says where a resource came from, which decides what the absence
// of related data means.
type Origin int

const (
	// originDoc: a resource document (az output, ARM GET). Related data
	// (diagnostic settings, tokens, ...) is unknown unless given.
	originDoc Origin = iota
	// OriginIaC: a template or plan. What the deployment does not
	// declare will not exist, as far as this deployment goes.
	OriginIaC
	// OriginLive: read from Azure; related data was read too.
	OriginLive
)

// Res is one Azure resource in ARM shape, before linking.
type Res struct {
	Kind Kind
	// ID is the full ARM id when known; for templates a pseudo id
	// with placeholders for the deployment scope.
	ID   string
	Name string
	// Parent refers to the parent resource of a child (an id or a
	// provider-relative type/name path).
	Parent string
	// Targets: a diagnostic setting's resource, a role assignment's
	// scope, a private endpoint's linked resources.
	Targets []string
	Value   map[string]any
	Gaps    aksmodel.Gaps
	Loc     *Locator
	Origin  Origin
	// Group ties resources of one template or plan together.
	Group string
	// Label names the resource in messages (file and name, or address).
	Label string
	// Role assignments: principal id, or the cluster whose kubelet
	// identity the principal is (an expression in templates and plans).
	Principal, KubeletOf string
	// partial marks a cluster stand-in for node pools whose cluster is
	// not in the plan.
	partial bool
	// connections are a private endpoint's approved flags, one per
	// target.
	Approved []bool
}

// envelope are the resource-level keys of ARM resources; `az` output puts
// everything else, which ARM nests under "properties", at the top level.
var envelope = map[string]bool{
	"id": true, "name": true, "type": true, "location": true, "tags": true, "sku": true,
	"identity": true, "extendedlocation": true, "etag": true, "systemdata": true, "kind": true,
	"zones": true, "plan": true, "managedby": true, "resourcegroup": true, "properties": true,
	"apiversion": true, "scope": true, "dependson": true, "condition": true, "copy": true, "comments": true,
}

// maxSkippedPerList bounds the skipped items listed for one list.
const maxSkippedPerList = 100

// ReadResources reads a resource document: one resource, a list of them
// (az ... list), an ARM list response ({"value": [...]}) or Azure Resource
// Graph output ({"data": [...]}).
func ReadResources(d *Document, b *Builder, r *Result) {
	items := func(list []any, prefix ...string) {
		// A list of a million things that are not resources is listed
		// as its first ones and a count, not a million lines; every
		// item is still read.
		skipped, more := len(r.Skipped), 0
		for i, item := range list {
			readResource(d, item, append(prefix[:len(prefix):len(prefix)], "#"+strconv.Itoa(i)), b, r)
			if len(r.Skipped)-skipped > maxSkippedPerList {
				r.Skipped = r.Skipped[:len(r.Skipped)-1]
				more++
			}
		}
		if more > 0 {
			r.Skipped = append(r.Skipped, Skipped{File: d.File, Line: d.At.Line,
				Reason: fmt.Sprintf("%d more items of this list are not Azure resources", more)})
		}
	}
	switch v := d.Value.(type) {
	case []any:
		items(v)
		if len(v) == 0 {
			r.Skipped = append(r.Skipped, Skipped{File: d.File, Line: d.At.Line, Reason: "empty list"})
		}
	case map[string]any:
		if _, typed := v["type"]; !typed {
			for _, key := range []string{"value", "data"} {
				if list, ok := v[key].([]any); ok {
					items(list, key)
					return
				}
			}
		}
		readResource(d, v, nil, b, r)
	}
}

func readResource(d *Document, v any, prefix []string, b *Builder, r *Result) {
	at := d.PosOf(prefix)
	m, ok := v.(map[string]any)
	if !ok {
		r.Skipped = append(r.Skipped, Skipped{File: d.File, Line: at.Line, Reason: "not an Azure resource: not an object"})
		return
	}
	typ, _ := LookupString(m, "type")
	k, ok := KindOf(typ)
	if !ok {
		reason := "not an Azure resource: no \"type\""
		if typ != "" {
			reason = "resource type " + typ + " is not checked"
		}
		r.Skipped = append(r.Skipped, Skipped{File: d.File, Line: at.Line, Reason: reason})
		return
	}
	r.Documents++
	_, nested := m["properties"].(map[string]any)
	if !nested {
		for key, val := range m {
			if strings.EqualFold(key, "properties") {
				_, nested = val.(map[string]any)
			}
		}
	}
	loc := NewLocator(d.File, at)
	// Positions are the document's own, below the resource, the
	// properties level az flattens away put back by the locator.
	loc.doc, loc.flat = d.Pm, !nested
	for _, s := range prefix {
		if loc.docAt, ok = d.Pm.lookup(loc.docAt, s); !ok {
			loc.doc = nil
			break
		}
	}
	arm := map[string]any{}
	props := map[string]any{}
	for key, val := range m {
		if !nested && !envelope[strings.ToLower(key)] {
			props[key] = val
			continue
		}
		arm[key] = val
	}
	if !nested && len(props) > 0 {
		arm["properties"] = props
	}
	ApplyLegacy(k, arm, loc)
	id, _ := LookupString(m, "id")
	name, _ := LookupString(m, "name")
	x := &Res{Kind: k, ID: id, Name: name, Gaps: aksmodel.Gaps{}, Loc: loc, Origin: originDoc, Label: d.File}
	var issues []Issue
	switch k {
	case KindCluster:
		x.Value = Canon(arm, ClusterSchema(), &issues)
	case KindPool:
		x.Value = Canon(arm, AgentPoolSchema(), &issues)
		x.Parent = parentID(id, "agentPools")
	case KindRegistry:
		x.Value = Canon(arm, RegistrySchema(), &issues)
	case KindDiagnostic:
		x.Value = Canon(arm, DiagnosticSchema(), &issues)
		x.Targets = []string{diagnosticTarget(id)}
	case KindMaintenance:
		x.Value = arm
		x.Parent = parentID(id, "maintenanceConfigurations")
	case KindToken, KindWebhook, KindCacheRule, KindReplication:
		x.Value = arm
		x.Parent = parentID(id, lastTypeSegment(typ))
	case KindRoleAssignment:
		x.Value = arm
		scope, _ := LookupString(arm, "properties", "scope")
		if scope == "" { // az output keeps it at the top, beside id
			scope, _ = LookupString(arm, "scope")
		}
		x.Principal, _ = LookupString(arm, "properties", "principalId")
		x.Targets = []string{scope}
	case KindPrivateEndpoint:
		x.Value = arm
		x.Targets, x.Approved = PrivateLinkTargets(arm)
	}
	for _, is := range issues {
		p := loc.Locate(Dotted(is.Path))
		r.Errors = append(r.Errors, &Error{File: d.File, Line: p.Line, Msg: is.Msg})
	}
	if x.Parent == "" && (k == KindPool || k == KindMaintenance || k == KindToken || k == KindWebhook || k == KindCacheRule || k == KindReplication) {
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s:%d: %s %q has no parent in its id; not checked", d.File, at.Line, typ, name))
		return
	}
	b.Add(x)
}

// Canon canonicalizes a resource; a resource that is not an object at
// all cannot get here.
func Canon(arm map[string]any, s *Schema, issues *[]Issue) map[string]any {
	v, _ := canonicalize(arm, s, nil, issues)
	m, _ := v.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m
}

// parentID cuts "/<childType>/<name>" off a child resource id.
func parentID(id, childType string) string {
	low := strings.ToLower(id)
	i := strings.LastIndex(low, "/"+strings.ToLower(childType)+"/")
	if i <= 0 {
		return ""
	}
	return id[:i]
}

// diagnosticTarget cuts the diagnostic setting's own part off its id.
func diagnosticTarget(id string) string {
	low := strings.ToLower(id)
	if i := strings.LastIndex(low, "/providers/microsoft.insights/diagnosticsettings/"); i > 0 {
		return id[:i]
	}
	return ""
}

func lastTypeSegment(typ string) string {
	return typ[strings.LastIndexByte(typ, '/')+1:]
}

// PrivateLinkTargets lists the resources a private endpoint connects to,
// with whether each connection is approved (auto-approved connections
// have no state in the request body).
func PrivateLinkTargets(arm map[string]any) ([]string, []bool) {
	var ids []string
	var ok []bool
	for _, key := range []string{"privateLinkServiceConnections", "manualPrivateLinkServiceConnections"} {
		list, _ := aksmodel.Lookup(arm, "properties", key)
		items, _ := list.([]any)
		for _, it := range items {
			obj, _ := it.(map[string]any)
			id, _ := LookupString(obj, "properties", "privateLinkServiceId")
			if id == "" {
				continue
			}
			status, _ := LookupString(obj, "properties", "privateLinkServiceConnectionState", "status")
			ids = append(ids, id)
			ok = append(ok, key == "privateLinkServiceConnections" && (status == "" || strings.EqualFold(status, "Approved")))
		}
	}
	return ids, ok
}
