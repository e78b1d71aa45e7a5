package arm

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/azmodel"
)

// ARM deployment templates, Bicep compiled to ARM JSON included
// (languageVersion 2.0 symbolic resources, nested deployments for
// modules, property and resource copy loops). Every
// Microsoft.ContainerService/managedClusters and agentPools resource, the
// registries and the resources that complete them (diagnostic settings,
// maintenance configurations, role assignments, private endpoints,
// registry tokens, webhooks and cache rules) are evaluated with their
// parameters' default values (or --parameters), variables and copy
// indexes; expressions that depend on the deployment become gaps of the
// fields they feed.

// maxNesting bounds nested deployments.
const maxNesting = 8

type tmpl struct {
	d     *azmodel.Document
	b     *azmodel.Builder
	r     *azmodel.Result
	group string
}

func ReadTemplate(d *azmodel.Document, params map[string]any, b *azmodel.Builder, r *azmodel.Result) {
	root := d.Root
	if root.Kind != yaml.MappingNode {
		r.Skipped = append(r.Skipped, azmodel.Skipped{File: d.File, Line: root.Line, Reason: "ARM template is not an object"})
		return
	}
	t := &tmpl{d: d, b: b, r: r, group: d.File}
	supplied := map[string]func() any{}
	for k, v := range params {
		v := v
		supplied[k] = func() any { return v }
	}
	before := len(b.All)
	t.deployment(root, nil, supplied, 0)
	if len(b.All) == before {
		r.Skipped = append(r.Skipped, azmodel.Skipped{File: d.File, Line: root.Line, Reason: "ARM template without AKS clusters, node pools or container registries"})
	}
}

// child returns the value node of key in a mapping, matching case-insensitively.
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if strings.EqualFold(n.Content[i].Value, key) {
			return n.Content[i+1]
		}
	}
	return nil
}

// deployment evaluates one template: the root, or the inline template of
// a nested deployment. outer is the enclosing scope for templates whose
// expressions are evaluated in the outer scope; supplied are parameter
// values passed in.
func (t *tmpl) deployment(n *yaml.Node, outer *scope, supplied map[string]func() any, depth int) {
	if depth > maxNesting {
		t.r.Warnings = append(t.r.Warnings, fmt.Sprintf("%s:%d: nested deployments deeper than %d are not followed", t.d.File, n.Line, maxNesting))
		return
	}
	sc := outer
	if sc == nil {
		sc = &scope{params: map[string]func() any{}, vars: map[string]func() any{}, copies: map[string]int{}, symbols: map[string]string{}, b: t.d.Budget}
		t.parameters(child(n, "parameters"), sc, supplied)
		t.variables(child(n, "variables"), sc)
	}
	res := child(n, "resources")
	if res == nil {
		return
	}
	switch res.Kind {
	case yaml.SequenceNode:
		for _, rn := range res.Content {
			t.resource(rn, sc, nil, depth)
		}
	case yaml.MappingNode: // languageVersion 2.0: symbolic names
		for i := 0; i+1 < len(res.Content); i += 2 {
			if id := t.symbolID(res.Content[i+1], sc); id != "" {
				sc.symbols[strings.ToLower(res.Content[i].Value)] = id
			}
		}
		for i := 0; i+1 < len(res.Content); i += 2 {
			t.resource(res.Content[i+1], sc, nil, depth)
		}
	}
}

// once memoizes a lazily evaluated value and breaks cycles.
func once(f func() any, what string) func() any {
	var (
		done, busy bool
		v          any
	)
	return func() any {
		if done {
			return v
		}
		if busy {
			return unknown{what + " refers to itself"}
		}
		busy = true
		v = f()
		busy, done = false, true
		return v
	}
}

func (t *tmpl) parameters(n *yaml.Node, sc *scope, supplied map[string]func() any) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		name := n.Content[i].Value
		key := strings.ToLower(name)
		// A secure parameter's value, supplied or default, and all that
		// is computed from it, is never shown.
		secure := strings.HasPrefix(strings.ToLower(scalarValue(child(n.Content[i+1], "type"))), "secure")
		if v, ok := supplied[key]; ok {
			sc.params[key] = v
			if secure {
				sc.params[key] = func() any { return taint(v(), "parameter "+name) }
			}
			continue
		}
		def := child(n.Content[i+1], "defaultValue")
		if def == nil {
			sc.params[key] = func() any {
				return unknown{fmt.Sprintf("parameter %q has no default value; pass it with --parameters", name)}
			}
			continue
		}
		eval := func() any { return t.eval(def, sc, azmodel.RootNode, nil) }
		if secure {
			eval = func() any { return taint(t.eval(def, sc, azmodel.RootNode, nil), "parameter "+name) }
		}
		sc.params[key] = once(eval, "parameter "+name)
	}
}

func (t *tmpl) variables(n *yaml.Node, sc *scope) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, val := n.Content[i].Value, n.Content[i+1]
		if strings.EqualFold(name, "copy") && val.Kind == yaml.SequenceNode {
			for _, spec := range val.Content {
				spec := spec
				vname := scalarValue(child(spec, "name"))
				sc.vars[strings.ToLower(vname)] = once(func() any { return t.copyLoop(spec, sc, azmodel.RootNode, nil) }, "variable "+vname)
			}
			continue
		}
		sc.vars[strings.ToLower(name)] = once(func() any { return t.eval(val, sc, azmodel.RootNode, nil) }, "variable "+name)
	}
}

func scalarValue(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// eval evaluates a template value, recording the position of every field
// below the node at of l's position index (when l is not nil): by node,
// so that a deep value costs its size, not its size times its depth.
func (t *tmpl) eval(n *yaml.Node, sc *scope, at int32, l *azmodel.Locator) any {
	return t.evalDepth(n, sc, at, l, 0)
}

// under returns the position-index node of seg below at, recording p.
func under(l *azmodel.Locator, at int32, seg string, p azmodel.Pos) int32 {
	if l == nil {
		return azmodel.RootNode
	}
	c := l.Pm.Child(at, seg)
	l.Pm.SetAt(c, p)
	return c
}

func underItem(l *azmodel.Locator, at int32, i int, p azmodel.Pos) int32 {
	if l == nil {
		return azmodel.RootNode
	}
	c := l.Pm.Item(at, i)
	l.Pm.SetAt(c, p)
	return c
}

func (t *tmpl) evalDepth(n *yaml.Node, sc *scope, at int32, l *azmodel.Locator, depth int) any {
	if n == nil {
		return nil
	}
	if depth > azmodel.MaxDepth {
		return unknown{"template nested too deeply"}
	}
	b := t.d.Budget
	b.At(n.Line)
	b.Step()
	b.Enter()
	defer b.Leave()
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "copy" && v.Kind == yaml.SequenceNode && isPropertyCopy(v) {
				for _, spec := range v.Content {
					name := scalarValue(child(spec, "name"))
					m[name] = t.copyLoop(spec, sc, under(l, at, name, azmodel.Pos{Line: spec.Line, Col: spec.Column}), l)
				}
				continue
			}
			m[k.Value] = t.evalDepth(v, sc, under(l, at, k.Value, azmodel.Pos{Line: k.Line, Col: k.Column}), l, depth+1)
		}
		return m
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, item := range n.Content {
			out[i] = t.evalDepth(item, sc, underItem(l, at, i, azmodel.Pos{Line: item.Line, Col: item.Column}), l, depth+1)
		}
		return out
	case yaml.ScalarNode:
		v, err := azmodel.Scalar(n)
		if err != nil {
			return unknown{err.Error()}
		}
		if s, ok := v.(string); ok {
			return sc.evalString(s)
		}
		return v
	}
	return nil
}

// isPropertyCopy tells a property copy loop ([{name, count, input}]) from
// a property that happens to be called copy.
func isPropertyCopy(n *yaml.Node) bool {
	for _, spec := range n.Content {
		if child(spec, "name") == nil || child(spec, "input") == nil {
			return false
		}
	}
	return len(n.Content) > 0
}

// copyLoop evaluates {name, count, input} into an array.
func (t *tmpl) copyLoop(spec *yaml.Node, sc *scope, at int32, l *azmodel.Locator) any {
	name := scalarValue(child(spec, "name"))
	cn := child(spec, "count")
	in := child(spec, "input")
	if cn == nil || in == nil {
		return unknown{"copy loop " + name + " without count or input"}
	}
	count, ok := t.eval(cn, sc, azmodel.RootNode, nil).(float64)
	if !ok || count < 0 || count > 800 {
		if u, isU := t.eval(cn, sc, azmodel.RootNode, nil).(unknown); isU {
			return unknown{"copy loop " + name + ": count unknown before deployment (" + u.reason + ")"}
		}
		return unknown{"copy loop " + name + ": count is not a number from 0 to 800"}
	}
	t.d.Budget.At(spec.Line)
	t.d.Budget.Copy(int64(count))
	out := make([]any, int(count))
	for i := range out {
		out[i] = t.eval(in, sc.withCopy(name, i), underItem(l, at, i, azmodel.Pos{Line: in.Line, Col: in.Column}), l)
	}
	return out
}

// parentInfo is the enclosing resource of a nested child resource.
type parentInfo struct{ typ, name string }

// symbolID is the pseudo id of a languageVersion 2.0 resource, for
// reference('symbolicName').
func (t *tmpl) symbolID(n *yaml.Node, sc *scope) string {
	typ, _ := t.eval(child(n, "type"), sc, azmodel.RootNode, nil).(string)
	name, _ := t.eval(child(n, "name"), sc, azmodel.RootNode, nil).(string)
	if typ == "" || name == "" {
		return ""
	}
	return pseudoID(typ, name)
}

// pseudoID is resourceId(type, name segments...) in the deployment's
// (placeholder) resource group.
func pseudoID(typ, name string) string {
	args := []any{typ}
	for _, s := range strings.Split(name, "/") {
		args = append(args, s)
	}
	if id, ok := resourceID("resourceid", args).(string); ok {
		return id
	}
	return typ + "/" + name
}

func (t *tmpl) resource(n *yaml.Node, sc *scope, parent *parentInfo, depth int) {
	if n.Kind != yaml.MappingNode {
		return
	}
	if cn := child(n, "copy"); cn != nil && cn.Kind == yaml.MappingNode {
		name := scalarValue(child(cn, "name"))
		count, ok := t.eval(child(cn, "count"), sc, azmodel.RootNode, nil).(float64)
		if !ok || count < 0 || count > 800 {
			t.unexpandedCopy(n, sc, parent, name)
			return
		}
		t.d.Budget.At(cn.Line)
		t.d.Budget.Copy(int64(count))
		for i := range int(count) {
			t.resourceOnce(n, sc.withCopy(name, i), parent, depth)
		}
		return
	}
	t.resourceOnce(n, sc, parent, depth)
}

// unexpandedCopy records that a resource loop could not be expanded: for
// agent pools, a gap on every pool read of the cluster.
func (t *tmpl) unexpandedCopy(n *yaml.Node, sc *scope, parent *parentInfo, loop string) {
	typ, name := t.typeAndName(n, sc.withCopy(loop, 0), parent)
	reason := fmt.Sprintf("copy loop %s at %s:%d: count unknown before deployment", loop, t.d.File, n.Line)
	if k, ok := azmodel.KindOf(typ); ok && k == azmodel.KindPool {
		// The pools' cluster: from their name, else from dependsOn, else
		// every cluster of the template.
		ref := ""
		if name != "" {
			ref = typeName(parentType(typ), parentName(name))
		} else if deps := child(n, "dependsOn"); deps != nil && deps.Kind == yaml.SequenceNode {
			for _, dn := range deps.Content {
				if d, ok := t.eval(dn, sc, azmodel.RootNode, nil).(string); ok && strings.Contains(strings.ToLower(d), "microsoft.containerservice/managedclusters/") {
					ref = d
				}
			}
		}
		t.b.Gap(ref, t.group, aksmodel.PoolsSeparate, reason)
		return
	}
	if _, ok := azmodel.KindOf(typ); ok {
		t.r.Warnings = append(t.r.Warnings, fmt.Sprintf("%s:%d: %s resources from %s not checked", t.d.File, n.Line, typ, reason))
	}
}

func parentType(typ string) string { return typ[:strings.LastIndexByte(typ, '/')] }

func parentName(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[:i]
	}
	return ""
}

func typeName(typ, name string) string { return typ + "/" + name }

// typeAndName returns a resource's full type and name, qualified by its
// parent's for nested child resources.
func (t *tmpl) typeAndName(n *yaml.Node, sc *scope, parent *parentInfo) (string, string) {
	typ, _ := t.eval(child(n, "type"), sc, azmodel.RootNode, nil).(string)
	name, _ := t.eval(child(n, "name"), sc, azmodel.RootNode, nil).(string)
	if parent != nil && typ != "" && !strings.Contains(typ, ".") {
		typ = parent.typ + "/" + typ
		if name != "" && strings.Count(name, "/") < strings.Count(typ, "/")-1 {
			name = parent.name + "/" + name
		}
	}
	return typ, name
}

func (t *tmpl) resourceOnce(n *yaml.Node, sc *scope, parent *parentInfo, depth int) {
	if c := child(n, "condition"); c != nil {
		switch v := t.eval(c, sc, azmodel.RootNode, nil).(type) {
		case bool:
			if !v {
				return
			}
		case unknown:
			t.r.Warnings = append(t.r.Warnings, fmt.Sprintf("%s:%d: resource deployed only under a condition unknown before deployment (%s); checked as if deployed", t.d.File, n.Line, v.reason))
		}
	}
	if e, ok := t.eval(child(n, "existing"), sc, azmodel.RootNode, nil).(bool); ok && e {
		return // a reference to a resource deployed elsewhere
	}
	typ, name := t.typeAndName(n, sc, parent)
	if typ == "" {
		return
	}
	if strings.EqualFold(typ, "Microsoft.Resources/deployments") {
		t.nested(n, sc, depth)
		return
	}
	k, ok := azmodel.KindOf(typ)
	if ok {
		t.add(n, sc, k, typ, name)
	}
	// Nested child resources: "resources" inside a resource.
	if rs := child(n, "resources"); rs != nil && rs.Kind == yaml.SequenceNode {
		for _, cn := range rs.Content {
			t.resource(cn, sc, &parentInfo{typ: typ, name: name}, depth)
		}
	}
}

// nested follows an inline nested deployment (a Bicep module).
func (t *tmpl) nested(n *yaml.Node, sc *scope, depth int) {
	props := child(n, "properties")
	inner := child(props, "template")
	if inner == nil {
		if child(props, "templateLink") != nil {
			t.r.Warnings = append(t.r.Warnings, fmt.Sprintf("%s:%d: linked template (templateLink) not followed; scan it on its own", t.d.File, n.Line))
		}
		return
	}
	innerScope := strings.EqualFold(scalarValue(child(child(props, "expressionEvaluationOptions"), "scope")), "inner")
	if !innerScope {
		t.deployment(inner, sc, nil, depth+1)
		return
	}
	supplied := map[string]func() any{}
	if ps := child(props, "parameters"); ps != nil && ps.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(ps.Content); i += 2 {
			name, pv := ps.Content[i].Value, ps.Content[i+1]
			if v := child(pv, "value"); v != nil {
				supplied[strings.ToLower(name)] = once(func() any { return t.eval(v, sc, azmodel.RootNode, nil) }, "parameter "+name)
			} else {
				supplied[strings.ToLower(name)] = func() any { return unknown{"parameter " + name + " is a Key Vault reference"} }
			}
		}
	}
	t.deployment(inner, nil, supplied, depth+1)
}

// resourceFields are the resource members that become part of the
// resource's ARM JSON; the rest (dependsOn, copy, condition, ...) are
// deployment instructions.
var resourceFields = map[string]bool{
	"location": true, "tags": true, "sku": true, "identity": true, "properties": true, "kind": true,
	"zones": true, "extendedlocation": true, "plan": true, "scope": true,
}

func (t *tmpl) add(n *yaml.Node, sc *scope, k azmodel.Kind, typ, name string) {
	t.r.Documents++
	l := azmodel.NewLocator(t.d.File, azmodel.Pos{Line: n.Line, Col: n.Column})
	arm := map[string]any{"type": typ, "name": name}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		if !resourceFields[strings.ToLower(key)] {
			if strings.EqualFold(key, "name") || strings.EqualFold(key, "type") {
				l.Set([]string{key}, azmodel.Pos{Line: n.Content[i].Line, Col: n.Content[i].Column})
			}
			continue
		}
		arm[key] = t.eval(n.Content[i+1], sc, under(l, azmodel.RootNode, key, azmodel.Pos{Line: n.Content[i].Line, Col: n.Content[i].Column}), l)
	}
	gaps := aksmodel.Gaps{}
	azmodel.ApplyLegacy(k, arm, l)
	azmodel.LegacyGap(k, t.eval(child(n, "apiVersion"), sc, azmodel.RootNode, nil), gaps)
	// What the deployment would be sent, with every shared part
	// expanded: counted before it is walked and encoded.
	t.d.Budget.Charge(arm)
	x := &azmodel.Res{Kind: k, Name: name, ID: pseudoID(typ, name), Gaps: gaps, Loc: l, Origin: azmodel.OriginIaC, Group: t.group, Label: t.d.File}
	if name == "" {
		// Unknown before deployment (or secret): the resource is named
		// by where it is, and its copy index, so that a loop's
		// resources stay apart.
		x.Name = fmt.Sprintf("%s:%d", t.d.File, n.Line)
		if i, ok := sc.copies[""]; ok {
			x.Name += fmt.Sprintf("[%d]", i)
		}
		x.ID = ""
	}
	// What reference() feeds is read before the unknowns are dropped.
	switch k {
	case azmodel.KindRoleAssignment:
		if r, ok := deepGet(arm, "properties", "principalId").(ref); ok && isKubeletPath(r.path) {
			x.KubeletOf = r.target
		}
	}
	clean := scrub(arm, nil, gaps).(map[string]any)
	var issues []azmodel.Issue
	switch k {
	case azmodel.KindCluster:
		x.Value = azmodel.Canon(clean, azmodel.ClusterSchema(), &issues)
	case azmodel.KindPool:
		x.Value = azmodel.Canon(clean, azmodel.AgentPoolSchema(), &issues)
		x.Parent = typeName(parentType(typ), parentName(name))
	case azmodel.KindRegistry:
		x.Value = azmodel.Canon(clean, azmodel.RegistrySchema(), &issues)
	case azmodel.KindDiagnostic:
		x.Value = azmodel.Canon(clean, azmodel.DiagnosticSchema(), &issues)
		scopeRef, _ := clean["scope"].(string)
		if strings.HasSuffix(strings.ToLower(typ), "/providers/diagnosticsettings") {
			// <type>/providers/diagnosticSettings named <resource>/Microsoft.Insights/<setting>
			target := strings.TrimSuffix(typ, typ[strings.LastIndex(strings.ToLower(typ), "/providers/diagnosticsettings"):])
			scopeRef = target + "/" + strings.SplitN(name, "/", 2)[0]
		}
		x.Targets = []string{scopeRef}
	case azmodel.KindMaintenance, azmodel.KindToken, azmodel.KindWebhook, azmodel.KindCacheRule, azmodel.KindReplication:
		x.Value = clean
		x.Parent = typeName(parentType(typ), parentName(name))
	case azmodel.KindRoleAssignment:
		x.Value = clean
		scopeRef, _ := clean["scope"].(string)
		x.Targets = []string{scopeRef}
		x.Principal, _ = azmodel.LookupString(clean, "properties", "principalId")
	case azmodel.KindPrivateEndpoint:
		x.Value = clean
		x.Targets, x.Approved = azmodel.PrivateLinkTargets(clean)
	}
	for _, is := range issues {
		p := l.Locate(azmodel.Dotted(is.Path))
		t.r.Errors = append(t.r.Errors, &azmodel.Error{File: t.d.File, Line: p.Line, Msg: is.Msg})
	}
	t.b.Add(x)
}

func isKubeletPath(path []string) bool {
	p := strings.ToLower(strings.Join(path, "."))
	return strings.HasSuffix(p, "identityprofile.kubeletidentity.objectid")
}

func deepGet(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = nil
		for mk, mv := range m {
			if strings.EqualFold(mk, k) {
				v = mv
			}
		}
	}
	return v
}

// scrub drops what is unknown before deployment from a value, recording
// each as a gap at its path. The path is a chain to the parent, made into
// a string only for a gap: a deep value costs its size, not its size
// times its depth.
func scrub(v any, path *segChain, gaps aksmodel.Gaps) any {
	switch x := v.(type) {
	case secret:
		// A string keeps its place (a password is set); anything else
		// from a secure parameter is not read.
		if _, ok := x.v.(string); ok {
			return Redacted
		}
		gaps.Add(path.dotted(), "set from a secure parameter, which is not read")
		return nil
	case unknown:
		gaps.Add(path.dotted(), "depends on the deployment: "+x.reason)
		return nil
	case ref:
		gaps.Add(path.dotted(), "read from reference("+x.target+") at deployment")
		return nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			p := &segChain{path, k}
			switch val.(type) {
			case unknown, ref:
				scrub(val, p, gaps)
				continue
			}
			out[k] = scrub(val, p, gaps)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = scrub(val, &segChain{path, "#" + strconv.Itoa(i)}, gaps)
		}
		return out
	}
	return v
}

// segChain is a path as a chain of segments to the root (nil).
type segChain struct {
	parent *segChain
	seg    string
}

func (c *segChain) dotted() string {
	var segs []string
	for ; c != nil; c = c.parent {
		segs = append(segs, c.seg)
	}
	slices.Reverse(segs)
	return azmodel.Dotted(segs)
}
