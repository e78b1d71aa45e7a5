package azure

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
)

// rkind is the kind of an Azure resource Bulwark reads.
type rkind int

const (
	kCluster rkind = iota
	kPool
	kMaintenance
	kDiagnostic
	kRegistry
	kToken
	kWebhook
	kCacheRule
	kReplication
	kRoleAssignment
	kPrivateEndpoint
)

var kindByType = map[string]rkind{
	"microsoft.containerservice/managedclusters":                           kCluster,
	"microsoft.containerservice/managedclusters/agentpools":                kPool,
	"microsoft.containerservice/managedclusters/maintenanceconfigurations": kMaintenance,
	"microsoft.insights/diagnosticsettings":                                kDiagnostic,
	"microsoft.containerregistry/registries":                               kRegistry,
	"microsoft.containerregistry/registries/tokens":                        kToken,
	"microsoft.containerregistry/registries/webhooks":                      kWebhook,
	"microsoft.containerregistry/registries/cacherules":                    kCacheRule,
	"microsoft.containerregistry/registries/replications":                  kReplication,
	"microsoft.authorization/roleassignments":                              kRoleAssignment,
	"microsoft.network/privateendpoints":                                   kPrivateEndpoint,
}

// kindOf maps an ARM resource type to a kind. Old templates nest
// diagnostic settings as <type>/providers/diagnosticSettings.
func kindOf(typ string) (rkind, bool) {
	t := strings.ToLower(typ)
	if k, ok := kindByType[t]; ok {
		return k, true
	}
	if strings.HasSuffix(t, "/providers/diagnosticsettings") {
		return kDiagnostic, true
	}
	return 0, false
}

// origin says where a resource came from, which decides what the absence
// of related data means.
type origin int

const (
	// originDoc: a resource document (az output, ARM GET). Related data
	// (diagnostic settings, tokens, ...) is unknown unless given.
	originDoc origin = iota
	// originIaC: a template or plan. What the deployment does not
	// declare will not exist, as far as this deployment goes.
	originIaC
	// originLive: read from Azure; related data was read too.
	originLive
)

// res is one Azure resource in ARM shape, before linking.
type res struct {
	kind rkind
	// id is the full ARM id when known; for templates a pseudo id
	// with placeholders for the deployment scope.
	id   string
	name string
	// parent refers to the parent resource of a child (an id or a
	// provider-relative type/name path).
	parent string
	// targets: a diagnostic setting's resource, a role assignment's
	// scope, a private endpoint's linked resources.
	targets []string
	value   map[string]any
	gaps    aksmodel.Gaps
	loc     *locator
	origin  origin
	// group ties resources of one template or plan together.
	group string
	// label names the resource in messages (file and name, or address).
	label string
	// Role assignments: principal id, or the cluster whose kubelet
	// identity the principal is (an expression in templates and plans).
	principal, kubeletOf string
	// partial marks a cluster stand-in for node pools whose cluster is
	// not in the plan.
	partial bool
	// connections are a private endpoint's approved flags, one per
	// target.
	approved []bool
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

// readResources reads a resource document: one resource, a list of them
// (az ... list), an ARM list response ({"value": [...]}) or Azure Resource
// Graph output ({"data": [...]}).
func readResources(d *document, b *builder, r *Result) {
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
			r.Skipped = append(r.Skipped, Skipped{File: d.file, Line: d.at.line,
				Reason: fmt.Sprintf("%d more items of this list are not Azure resources", more)})
		}
	}
	switch v := d.value.(type) {
	case []any:
		items(v)
		if len(v) == 0 {
			r.Skipped = append(r.Skipped, Skipped{File: d.file, Line: d.at.line, Reason: "empty list"})
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

func readResource(d *document, v any, prefix []string, b *builder, r *Result) {
	at := d.posOf(prefix)
	m, ok := v.(map[string]any)
	if !ok {
		r.Skipped = append(r.Skipped, Skipped{File: d.file, Line: at.line, Reason: "not an Azure resource: not an object"})
		return
	}
	typ, _ := lookupString(m, "type")
	k, ok := kindOf(typ)
	if !ok {
		reason := "not an Azure resource: no \"type\""
		if typ != "" {
			reason = "resource type " + typ + " is not checked"
		}
		r.Skipped = append(r.Skipped, Skipped{File: d.file, Line: at.line, Reason: reason})
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
	loc := newLocator(d.file, at)
	// Positions are the document's own, below the resource, the
	// properties level az flattens away put back by the locator.
	loc.doc, loc.flat = d.pm, !nested
	for _, s := range prefix {
		if loc.docAt, ok = d.pm.lookup(loc.docAt, s); !ok {
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
	applyLegacy(k, arm, loc)
	id, _ := lookupString(m, "id")
	name, _ := lookupString(m, "name")
	x := &res{kind: k, id: id, name: name, gaps: aksmodel.Gaps{}, loc: loc, origin: originDoc, label: d.file}
	var issues []issue
	switch k {
	case kCluster:
		x.value = canon(arm, clusterSchema(), &issues)
	case kPool:
		x.value = canon(arm, agentPoolSchema(), &issues)
		x.parent = parentID(id, "agentPools")
	case kRegistry:
		x.value = canon(arm, registrySchema(), &issues)
	case kDiagnostic:
		x.value = canon(arm, diagnosticSchema(), &issues)
		x.targets = []string{diagnosticTarget(id)}
	case kMaintenance:
		x.value = arm
		x.parent = parentID(id, "maintenanceConfigurations")
	case kToken, kWebhook, kCacheRule, kReplication:
		x.value = arm
		x.parent = parentID(id, lastTypeSegment(typ))
	case kRoleAssignment:
		x.value = arm
		scope, _ := lookupString(arm, "properties", "scope")
		if scope == "" { // az output keeps it at the top, beside id
			scope, _ = lookupString(arm, "scope")
		}
		x.principal, _ = lookupString(arm, "properties", "principalId")
		x.targets = []string{scope}
	case kPrivateEndpoint:
		x.value = arm
		x.targets, x.approved = privateLinkTargets(arm)
	}
	for _, is := range issues {
		p := loc.locate(dotted(is.path))
		r.Errors = append(r.Errors, &Error{File: d.file, Line: p.Line, Msg: is.msg})
	}
	if x.parent == "" && (k == kPool || k == kMaintenance || k == kToken || k == kWebhook || k == kCacheRule || k == kReplication) {
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s:%d: %s %q has no parent in its id; not checked", d.file, at.line, typ, name))
		return
	}
	b.add(x)
}

// canon canonicalizes a resource; a resource that is not an object at
// all cannot get here.
func canon(arm map[string]any, s *schema, issues *[]issue) map[string]any {
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

// privateLinkTargets lists the resources a private endpoint connects to,
// with whether each connection is approved (auto-approved connections
// have no state in the request body).
func privateLinkTargets(arm map[string]any) ([]string, []bool) {
	var ids []string
	var ok []bool
	for _, key := range []string{"privateLinkServiceConnections", "manualPrivateLinkServiceConnections"} {
		list, _ := aksmodel.Lookup(arm, "properties", key)
		items, _ := list.([]any)
		for _, it := range items {
			obj, _ := it.(map[string]any)
			id, _ := lookupString(obj, "properties", "privateLinkServiceId")
			if id == "" {
				continue
			}
			status, _ := lookupString(obj, "properties", "privateLinkServiceConnectionState", "status")
			ids = append(ids, id)
			ok = append(ok, key == "privateLinkServiceConnections" && (status == "" || strings.EqualFold(status, "Approved")))
		}
	}
	return ids, ok
}
