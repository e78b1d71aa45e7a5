package tfsource

import (
	"errors"
	"fmt"
	"math/big"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/azmodel"
	"github.com/bulwark-sec/bulwark/internal/source/azure/terraform"
)

// module is one instance of a module: the root, or a call (one per
// count or for_each key).
type module struct {
	e      *evaluator
	pd     *parsedDir
	prefix string   // "" or module.aks. or module.aks["k"].
	chain  []string // directories of the modules calling this one
	input  map[string]cty.Value
	vars   map[string]cty.Value
	locals map[string]cty.Value
	busy   map[string]bool
	res    map[string]*resState
	calls  map[string]*callState
}

type resState struct {
	b     *hclsyntax.Block
	mode  int // 0 single, 1 count, 2 for_each
	insts []*inst
	done  bool
	err   error
}

type inst struct {
	key  cty.Value
	addr string
	obj  cty.Value
	cfg  map[string]any
	pm   *azmodel.PosIndex
}

type callState struct {
	val  cty.Value
	kids []*module
	done bool
	err  error
}

// scope is what an expression sees beyond the module: count.index,
// each.key/value and the iterators of dynamic blocks.
type scope struct {
	count   cty.Value
	each    cty.Value
	iters   map[string]cty.Value
	hasEach bool
}

func (s *scope) with(name string, v cty.Value) *scope {
	n := &scope{iters: map[string]cty.Value{name: v}}
	if s != nil {
		n.count, n.each, n.hasEach = s.count, s.each, s.hasEach
		for k, x := range s.iters {
			if k != name {
				n.iters[k] = x
			}
		}
	}
	return n
}

func newModule(e *evaluator, pd *parsedDir, prefix string, chain []string) *module {
	return &module{e: e, pd: pd, prefix: prefix, chain: chain, input: map[string]cty.Value{},
		vars: map[string]cty.Value{}, locals: map[string]cty.Value{}, busy: map[string]bool{},
		res: map[string]*resState{}, calls: map[string]*callState{}}
}

// emit evaluates the resources the plan mapping reads, and the module
// calls, and adds them to the output.
func (m *module) emit() {
	for _, key := range m.pd.resOrder {
		b := m.pd.res[key]
		if b.Type != "resource" || !terraform.Read(b.Labels[0]) {
			continue
		}
		st, err := m.resource(key, b.DefRange())
		if err != nil {
			m.e.addErr(err)
			continue
		}
		for _, in := range st.insts {
			r, err := m.toResource(b, in)
			if err != nil {
				m.e.addErr(err)
				return
			}
			m.e.out.Resources = append(m.e.out.Resources, r)
		}
	}
	for _, name := range m.pd.callOrder {
		if _, err := m.call(name, m.pd.calls[name].DefRange()); err != nil {
			m.e.addErr(err)
			continue
		}
		for _, kid := range m.calls[name].kids {
			kid.emit()
		}
	}
}

// eval evaluates an expression in the module.
func (m *module) eval(x hcl.Expression, sc *scope) (cty.Value, error) {
	if m.e.spent != nil {
		return cty.NilVal, m.e.spent
	}
	m.e.at = x.Range()
	if m.e.depth++; m.e.depth > m.e.lim.Depth {
		return cty.NilVal, m.e.fail(fmt.Sprintf("references nested more than %d deep (limit): locals, variables, outputs and resources referring to each other", m.e.lim.Depth))
	}
	defer func() { m.e.depth-- }()
	ctx, err := m.context(x.Variables(), sc)
	if err != nil {
		return cty.NilVal, err
	}
	m.e.at = x.Range()
	v, diags := x.Value(ctx)
	if m.e.spent != nil {
		return cty.NilVal, m.e.spent
	}
	if err := diagErr(diags); err != nil {
		return cty.NilVal, err
	}
	return v, nil
}

func attrAt(t hcl.Traversal, i int) (string, bool) {
	if i >= len(t) {
		return "", false
	}
	a, ok := t[i].(hcl.TraverseAttr)
	return a.Name, ok
}

// context builds the evaluation context of the references of one
// expression, evaluating what they refer to first.
func (m *module) context(travs []hcl.Traversal, sc *scope) (*hcl.EvalContext, error) {
	vars := map[string]cty.Value{}
	objs := map[string]map[string]cty.Value{}
	put := func(root, name string, v cty.Value) {
		if objs[root] == nil {
			objs[root] = map[string]cty.Value{}
		}
		objs[root][name] = v
	}
	type resRef struct{ typ, name string }
	need := map[resRef]map[string]bool{}
	var resOrder []resRef
	data := map[string]map[string]cty.Value{}
	for _, t := range travs {
		root, rng := t.RootName(), t.SourceRange()
		if sc != nil {
			if v, ok := sc.iters[root]; ok {
				vars[root] = v
				continue
			}
		}
		switch root {
		case "var", "local", "module":
			name, ok := attrAt(t, 1)
			if !ok {
				return nil, errAt(rng, "%s needs a name after it", root)
			}
			var v cty.Value
			var err error
			switch root {
			case "var":
				v, err = m.variable(name, rng)
			case "local":
				v, err = m.local(name, rng)
			default:
				v, err = m.call(name, rng)
			}
			if err != nil {
				return nil, err
			}
			put(root, name, v)
		case "data":
			typ, ok1 := attrAt(t, 1)
			name, ok2 := attrAt(t, 2)
			if !ok1 || !ok2 {
				return nil, errAt(rng, "data needs a type and a name after it")
			}
			if _, ok := m.pd.res["data."+typ+"."+name]; !ok {
				return nil, errAt(rng, "reference to undeclared data source data.%s.%s", typ, name)
			}
			if data[typ] == nil {
				data[typ] = map[string]cty.Value{}
			}
			data[typ][name] = unknown(fmt.Sprintf("%sdata.%s.%s, which Terraform reads from Azure when it plans", m.prefix, typ, name))
		case "count":
			if sc == nil || sc.count == cty.NilVal {
				return nil, errAt(rng, "count.index outside a resource or module with count")
			}
			vars["count"] = cty.ObjectVal(map[string]cty.Value{"index": sc.count})
		case "each":
			if sc == nil || !sc.hasEach {
				return nil, errAt(rng, "each outside a resource or module with for_each")
			}
			vars["each"] = sc.each
		case "path":
			vars["path"] = cty.ObjectVal(map[string]cty.Value{
				"module": cty.StringVal(m.pd.dir), "root": cty.StringVal(m.e.root), "cwd": cty.StringVal("."),
			})
		case "terraform":
			vars["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")})
		case "self":
			vars["self"] = unknown("self, known only when Terraform applies")
		default:
			name, ok := attrAt(t, 1)
			if !ok {
				return nil, errAt(rng, "unknown name %q", root)
			}
			r := resRef{root, name}
			if need[r] == nil {
				need[r] = map[string]bool{}
				resOrder = append(resOrder, r)
			}
			i := 2
			if i < len(t) {
				if _, idx := t[i].(hcl.TraverseIndex); idx {
					i++
				}
			}
			if a, ok := attrAt(t, i); ok {
				need[r][a] = true
			} else {
				// A splat or the whole resource: its id is what is used.
				need[r]["id"] = true
			}
		}
	}
	for _, r := range resOrder {
		v, err := m.resourceVal(r.typ, r.name, need[r], travs)
		if err != nil {
			return nil, err
		}
		put(r.typ, r.name, v)
	}
	for root, o := range objs {
		vars[root] = cty.ObjectVal(o)
	}
	if len(data) > 0 {
		d := map[string]cty.Value{}
		for typ, o := range data {
			d[typ] = cty.ObjectVal(o)
		}
		vars["data"] = cty.ObjectVal(d)
	}
	return &hcl.EvalContext{Variables: vars, Functions: m.e.funcs}, nil
}

func (m *module) variable(name string, at hcl.Range) (cty.Value, error) {
	if v, ok := m.vars[name]; ok {
		return v, nil
	}
	b := m.pd.vars[name]
	if b == nil {
		return cty.NilVal, errAt(at, "reference to undeclared variable var.%s", name)
	}
	ty, defs, err := varType(b)
	if err != nil {
		return cty.NilVal, err
	}
	v, given := m.input[name]
	if !given || v.IsNull() {
		if a := b.Body.Attributes["default"]; a != nil {
			if v, err = m.eval(a.Expr, nil); err != nil {
				return cty.NilVal, err
			}
		} else if !given {
			v = unknown(fmt.Sprintf("%svar.%s, which has no value (give one with --var or a .tfvars file)", m.prefix, name))
		}
	}
	v, err = conform(v, ty, defs)
	if err != nil {
		return cty.NilVal, errAt(b.DefRange(), "var.%s: %s", name, err)
	}
	m.vars[name] = v
	return v, nil
}

func varType(b *hclsyntax.Block) (cty.Type, *typeexpr.Defaults, error) {
	a := b.Body.Attributes["type"]
	if a == nil {
		return cty.DynamicPseudoType, nil, nil
	}
	ty, defs, diags := typeexpr.TypeConstraintWithDefaults(a.Expr)
	if err := diagErr(diags); err != nil {
		return cty.NilType, nil, err
	}
	return ty, defs, nil
}

// conform converts a value to a variable's type, with its optional
// attributes' defaults.
func conform(v cty.Value, ty cty.Type, defs *typeexpr.Defaults) (cty.Value, error) {
	u, marks := v.Unmark()
	if !u.IsKnown() {
		return cty.UnknownVal(ty).WithMarks(marks), nil
	}
	if defs != nil {
		u = defs.Apply(u)
	}
	c, err := convert.Convert(u, ty)
	if err != nil {
		return cty.NilVal, err
	}
	return c.WithMarks(marks), nil
}

func (m *module) local(name string, at hcl.Range) (cty.Value, error) {
	if v, ok := m.locals[name]; ok {
		return v, nil
	}
	a := m.pd.locals[name]
	if a == nil {
		return cty.NilVal, errAt(at, "reference to undeclared local.%s", name)
	}
	key := "local." + name
	if m.busy[key] {
		return cty.NilVal, errAt(a.NameRange, "local.%s refers to itself (a cycle)", name)
	}
	m.busy[key] = true
	defer delete(m.busy, key)
	v, err := m.eval(a.Expr, nil)
	if err != nil {
		return cty.NilVal, err
	}
	m.locals[name] = v
	return v, nil
}

// keys expands count or for_each into instance keys (a number or a
// string) and their each.value; none is one instance without a key.
func (m *module) keys(body *hclsyntax.Body, what string) (mode int, keys, vals []cty.Value, err error) {
	if a := body.Attributes["count"]; a != nil {
		v, err := m.eval(a.Expr, nil)
		if err != nil {
			return 0, nil, nil, err
		}
		v, marks := v.Unmark()
		if !v.IsKnown() {
			return 0, nil, nil, errAt(a.Expr.Range(), "the count of %s depends on %s: Terraform cannot plan it either", what, whyOr(marks))
		}
		if v.IsNull() || v.Type() != cty.Number {
			return 0, nil, nil, errAt(a.Expr.Range(), "the count of %s is not a number", what)
		}
		bf := v.AsBigFloat()
		n, acc := bf.Int64()
		if acc != big.Exact || n < 0 {
			return 0, nil, nil, errAt(a.Expr.Range(), "the count of %s is not a whole number ≥ 0", what)
		}
		if err := m.e.addInstances(n, a.Expr.Range()); err != nil {
			return 0, nil, nil, err
		}
		for i := range n {
			keys = append(keys, cty.NumberIntVal(i))
		}
		return 1, keys, nil, nil
	}
	if a := body.Attributes["for_each"]; a != nil {
		v, err := m.eval(a.Expr, nil)
		if err != nil {
			return 0, nil, nil, err
		}
		v, marks := v.UnmarkDeep()
		if !v.IsWhollyKnown() {
			return 0, nil, nil, errAt(a.Expr.Range(), "the for_each of %s depends on %s: Terraform cannot plan it either", what, whyOr(marks))
		}
		ty := v.Type()
		if v.IsNull() || !(ty.IsMapType() || ty.IsObjectType() || ty.IsSetType()) {
			return 0, nil, nil, errAt(a.Expr.Range(), "the for_each of %s must be a map or a set of strings", what)
		}
		if err := m.e.addInstances(int64(v.LengthInt()), a.Expr.Range()); err != nil {
			return 0, nil, nil, err
		}
		for it := v.ElementIterator(); it.Next(); {
			k, x := it.Element()
			if ty.IsSetType() {
				if x.Type() != cty.String || x.IsNull() {
					return 0, nil, nil, errAt(a.Expr.Range(), "the for_each of %s must be a map or a set of strings", what)
				}
				k = x
			}
			keys = append(keys, k)
			vals = append(vals, x)
		}
		return 2, keys, vals, nil
	}
	if err := m.e.addInstances(1, body.SrcRange); err != nil {
		return 0, nil, nil, err
	}
	return 0, []cty.Value{cty.NilVal}, nil, nil
}

func whyOr(marks cty.ValueMarks) string {
	if w := reasonOf(marks); w != "" {
		return w
	}
	return "a value known only after apply"
}

func (e *evaluator) addInstances(n int64, at hcl.Range) error {
	if n > int64(e.lim.Instances) || e.instances+int(n) > e.lim.Instances {
		e.at = at
		return e.fail(fmt.Sprintf("count and for_each expand to more than %d resource and module instances (limit)", e.lim.Instances))
	}
	e.instances += int(n)
	return nil
}

// keySuffix is an instance key as Terraform writes it in addresses.
func keySuffix(k cty.Value) string {
	switch {
	case k == cty.NilVal:
		return ""
	case k.Type() == cty.Number:
		i, _ := k.AsBigFloat().Int64()
		return "[" + strconv.FormatInt(i, 10) + "]"
	default:
		return "[" + strconv.Quote(k.AsString()) + "]"
	}
}

func instScope(mode int, k, v cty.Value) *scope {
	switch mode {
	case 1:
		return &scope{count: k}
	case 2:
		return &scope{hasEach: true, each: cty.ObjectVal(map[string]cty.Value{"key": k, "value": v})}
	}
	return nil
}

// resource evaluates every instance of a resource or data block.
func (m *module) resource(key string, at hcl.Range) (*resState, error) {
	st := m.res[key]
	if st == nil {
		b := m.pd.res[key]
		if b == nil {
			return nil, errAt(at, "reference to undeclared resource %s", key)
		}
		st = &resState{b: b}
		m.res[key] = st
	}
	if st.done {
		return st, st.err
	}
	if m.busy[key] {
		return nil, errAt(st.b.DefRange(), "%s%s refers to itself through other values (a cycle)", m.prefix, key)
	}
	m.busy[key] = true
	defer delete(m.busy, key)
	st.err = m.expand(st, key)
	st.done = true
	return st, st.err
}

func (m *module) expand(st *resState, key string) error {
	mode, keys, vals, err := m.keys(st.b.Body, m.prefix+key)
	if err != nil {
		return err
	}
	st.mode = mode
	for i, k := range keys {
		var v cty.Value
		if vals != nil {
			v = vals[i]
		}
		in := &inst{key: k, addr: m.prefix + key + keySuffix(k), pm: azmodel.NewPosIndex()}
		in.obj, in.cfg, err = m.body(st.b.Body, instScope(mode, k, v), in.pm, azmodel.RootNode, true)
		if err != nil {
			return err
		}
		st.insts = append(st.insts, in)
	}
	return nil
}

// metaArgs are a resource's or module call's arguments that are not
// attributes of what it creates.
var (
	metaArgs = map[string]bool{"count": true, "for_each": true, "depends_on": true, "provider": true}
	callArgs = map[string]bool{"count": true, "for_each": true, "depends_on": true, "providers": true, "source": true, "version": true}
)

func posOf(p hcl.Pos) azmodel.Pos { return azmodel.Pos{Line: p.Line, Col: p.Column} }

// body evaluates a block's body into an object (nested blocks as tuples
// of objects), the configuration's expressions in plan shape, and the
// position of each attribute and block below node.
func (m *module) body(b *hclsyntax.Body, sc *scope, pm *azmodel.PosIndex, node int32, meta bool) (cty.Value, map[string]any, error) {
	attrs := map[string]cty.Value{}
	cfg := map[string]any{}
	names := make([]string, 0, len(b.Attributes))
	for name := range b.Attributes {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		a := b.Attributes[name]
		if meta && metaArgs[name] {
			continue
		}
		v, err := m.eval(a.Expr, sc)
		if err != nil {
			return cty.NilVal, nil, err
		}
		attrs[name] = v
		cfg[name] = map[string]any{"references": references(a.Expr)}
		n := pm.Child(node, name)
		pm.SetAt(n, posOf(a.SrcRange.Start))
		if tup, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok {
			for i, x := range tup.Exprs {
				pm.SetAt(pm.Item(n, i), posOf(x.Range().Start))
			}
		}
	}
	blocks := map[string][]cty.Value{}
	var order []string
	add := func(typ string, v cty.Value, c map[string]any) {
		if _, ok := blocks[typ]; !ok {
			order = append(order, typ)
		}
		blocks[typ] = append(blocks[typ], v)
		list, _ := cfg[typ].([]any)
		cfg[typ] = append(list, c)
	}
	for _, blk := range b.Blocks {
		switch {
		case meta && (blk.Type == "lifecycle" || blk.Type == "provisioner" || blk.Type == "connection"):
			continue
		case blk.Type == "dynamic" && len(blk.Labels) == 1:
			if err := m.dynamic(blk, sc, pm, node, blocks, add); err != nil {
				return cty.NilVal, nil, err
			}
			continue
		}
		bn := pm.Child(node, blk.Type)
		pm.SetAt(bn, posOf(blk.TypeRange.Start))
		in := pm.Item(bn, len(blocks[blk.Type]))
		pm.SetAt(in, posOf(blk.TypeRange.Start))
		v, c, err := m.body(blk.Body, sc, pm, in, false)
		if err != nil {
			return cty.NilVal, nil, err
		}
		add(blk.Type, v, c)
	}
	for _, typ := range order {
		if _, clash := attrs[typ]; clash {
			continue
		}
		if len(blocks[typ]) == 1 && !blocks[typ][0].IsKnown() {
			attrs[typ] = blocks[typ][0]
			continue
		}
		attrs[typ] = cty.TupleVal(blocks[typ])
	}
	return cty.ObjectVal(attrs), cfg, nil
}

// dynamic expands a dynamic block: one block per element of for_each,
// its content evaluated with the iterator. A for_each known only after
// apply makes the blocks themselves unknown.
func (m *module) dynamic(blk *hclsyntax.Block, sc *scope, pm *azmodel.PosIndex, node int32, blocks map[string][]cty.Value, add func(string, cty.Value, map[string]any)) error {
	typ := blk.Labels[0]
	fe := blk.Body.Attributes["for_each"]
	var content *hclsyntax.Block
	for _, c := range blk.Body.Blocks {
		if c.Type == "content" {
			content = c
		}
	}
	if fe == nil || content == nil {
		return errAt(blk.DefRange(), "dynamic %q needs for_each and a content block", typ)
	}
	iter := typ
	if it := blk.Body.Attributes["iterator"]; it != nil {
		if iter = hcl.ExprAsKeyword(it.Expr); iter == "" {
			return errAt(it.Expr.Range(), "iterator must be a name")
		}
	}
	coll, err := m.eval(fe.Expr, sc)
	if err != nil {
		return err
	}
	bn := pm.Child(node, typ)
	pm.SetAt(bn, posOf(blk.TypeRange.Start))
	coll, marks := coll.UnmarkDeep()
	if !coll.IsWhollyKnown() {
		// Configured, content unknown: as a plan shows it.
		pm.SetAt(pm.Item(bn, len(blocks[typ])), posOf(content.TypeRange.Start))
		add(typ, cty.DynamicVal.WithMarks(marks).Mark(unknownWhy("the for_each of dynamic "+strconv.Quote(typ)+", "+whyOr(marks))), map[string]any{})
		return nil
	}
	if coll.IsNull() || !coll.CanIterateElements() {
		return errAt(fe.Expr.Range(), "the for_each of dynamic %q is not a collection", typ)
	}
	if err := m.e.addInstances(int64(coll.LengthInt()), fe.Expr.Range()); err != nil {
		return err
	}
	for it := coll.ElementIterator(); it.Next(); {
		k, v := it.Element()
		in := pm.Item(bn, len(blocks[typ]))
		pm.SetAt(in, posOf(content.TypeRange.Start))
		obj, c, err := m.body(content.Body, sc.with(iter, cty.ObjectVal(map[string]cty.Value{"key": k, "value": v})), pm, in, false)
		if err != nil {
			return err
		}
		add(typ, obj, c)
	}
	return nil
}

// references are an expression's references as a plan lists them: each
// traversal, then the resource it starts with.
func references(x hcl.Expression) []any {
	out := []any{}
	seen := map[string]bool{}
	addRef := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, t := range x.Variables() {
		s := traversalString(t)
		addRef(s)
		switch t.RootName() {
		case "var", "local", "count", "each", "path", "terraform", "self":
		case "module":
			if len(t) > 1 {
				addRef(traversalString(t[:2]))
			}
		case "data":
			if len(t) > 2 {
				addRef(traversalString(t[:3]))
			}
		default:
			if len(t) > 2 {
				if _, idx := t[2].(hcl.TraverseIndex); idx {
					addRef(traversalString(t[:3]))
				}
			}
			if len(t) > 1 {
				addRef(traversalString(t[:2]))
			}
		}
	}
	return out
}

func traversalString(t hcl.Traversal) string {
	var sb strings.Builder
	for _, s := range t {
		switch x := s.(type) {
		case hcl.TraverseRoot:
			sb.WriteString(x.Name)
		case hcl.TraverseAttr:
			sb.WriteString("." + x.Name)
		case hcl.TraverseIndex:
			k, _ := x.Key.Unmark()
			switch {
			case k.Type() == cty.Number && k.IsKnown() && !k.IsNull():
				sb.WriteString("[" + k.AsBigFloat().Text('f', -1) + "]")
			case k.Type() == cty.String && k.IsKnown() && !k.IsNull():
				sb.WriteString("[" + strconv.Quote(k.AsString()) + "]")
			default:
				sb.WriteString("[*]")
			}
		}
	}
	return sb.String()
}

// resourceVal is what a reference to a resource sees: each instance's
// configured attributes and blocks, and the attributes the expression
// reads that only apply will know.
func (m *module) resourceVal(typ, name string, need map[string]bool, travs []hcl.Traversal) (cty.Value, error) {
	var at hcl.Range
	for _, t := range travs {
		if t.RootName() == typ {
			at = t.SourceRange()
			break
		}
	}
	st, err := m.resource(typ+"."+name, at)
	if err != nil {
		return cty.NilVal, err
	}
	objs := make([]cty.Value, len(st.insts))
	for i, in := range st.insts {
		attrs := map[string]cty.Value{}
		for k, v := range in.obj.AsValueMap() {
			attrs[k] = v
		}
		for a := range need {
			if v, ok := attrs[a]; !ok || v.IsNull() {
				attrs[a] = unknown(in.addr + "." + a + ", known only after apply")
			}
		}
		objs[i] = cty.ObjectVal(attrs)
	}
	switch st.mode {
	case 1:
		if len(objs) == 0 {
			return cty.EmptyTupleVal, nil
		}
		return cty.TupleVal(objs), nil
	case 2:
		byKey := map[string]cty.Value{}
		for i, in := range st.insts {
			byKey[in.key.AsString()] = objs[i]
		}
		return cty.ObjectVal(byKey), nil
	}
	return objs[0], nil
}

// call evaluates a module call: every instance of a local module, with
// its inputs, and the object of its outputs. A module Bulwark cannot
// read (registry, git) is unknown with the reason.
func (m *module) call(name string, at hcl.Range) (cty.Value, error) {
	cs := m.calls[name]
	if cs != nil && cs.done {
		return cs.val, cs.err
	}
	b := m.pd.calls[name]
	if b == nil {
		return cty.NilVal, errAt(at, "reference to undeclared module.%s", name)
	}
	key := "module." + name
	if m.busy[key] {
		return cty.NilVal, errAt(b.DefRange(), "%smodule.%s refers to itself through its inputs (a cycle)", m.prefix, name)
	}
	m.busy[key] = true
	defer delete(m.busy, key)
	cs = &callState{}
	cs.val, cs.err = m.callInstances(name, b, cs)
	cs.done = true
	m.calls[name] = cs
	return cs.val, cs.err
}

func (m *module) callInstances(name string, b *hclsyntax.Block, cs *callState) (cty.Value, error) {
	src, ok := literalSource(b)
	if !ok {
		return cty.NilVal, errAt(b.DefRange(), "module %q: source must be a string", name)
	}
	if !isLocal(src) {
		m.e.out.Warnings = append(m.e.out.Warnings, fmt.Sprintf("%s:%d: module.%s: source %q is not a local directory; its resources are not read and its outputs are not assessed (scan a plan for them)", b.DefRange().Filename, b.DefRange().Start.Line, name, src))
		return unknown(fmt.Sprintf("%smodule.%s, whose source %q Bulwark does not read", m.prefix, name, src)), nil
	}
	dir := filepath.Clean(filepath.Join(m.pd.dir, src))
	chain := append(slices.Clip(m.chain), m.pd.dir)
	if slices.Contains(chain, dir) {
		return cty.NilVal, errAt(b.DefRange(), "module %q calls %s, which calls it back (a module cycle)", name, src)
	}
	if len(chain) > m.e.lim.ModuleDepth {
		return cty.NilVal, errAt(b.DefRange(), "modules nested more than %d deep (limit)", m.e.lim.ModuleDepth)
	}
	pd, err := m.e.parse(dir)
	if err != nil {
		var se *srcErr
		if !errors.As(err, &se) {
			return cty.NilVal, errAt(b.DefRange(), "module %q: %s", name, err)
		}
		return cty.NilVal, err
	}
	mode, keys, vals, err := m.keys(b.Body, m.prefix+"module."+name)
	if err != nil {
		return cty.NilVal, err
	}
	names := make([]string, 0, len(b.Body.Attributes))
	for n := range b.Body.Attributes {
		if !callArgs[n] {
			if _, ok := pd.vars[n]; !ok {
				return cty.NilVal, errAt(b.Body.Attributes[n].NameRange, "module %q has no variable %q", name, n)
			}
			names = append(names, n)
		}
	}
	slices.Sort(names)
	outs := make([]cty.Value, 0, len(keys))
	for i, k := range keys {
		var v cty.Value
		if vals != nil {
			v = vals[i]
		}
		sc := instScope(mode, k, v)
		kid := newModule(m.e, pd, m.prefix+"module."+name+keySuffix(k)+".", chain)
		for _, n := range names {
			x, err := m.eval(b.Body.Attributes[n].Expr, sc)
			if err != nil {
				return cty.NilVal, err
			}
			kid.input[n] = x
		}
		o := map[string]cty.Value{}
		onames := make([]string, 0, len(pd.outputs))
		for n := range pd.outputs {
			onames = append(onames, n)
		}
		slices.Sort(onames)
		for _, n := range onames {
			x, err := kid.eval(pd.outputs[n].Expr, nil)
			if err != nil {
				return cty.NilVal, err
			}
			o[n] = x
		}
		cs.kids = append(cs.kids, kid)
		outs = append(outs, cty.ObjectVal(o))
	}
	switch mode {
	case 1:
		if len(outs) == 0 {
			return cty.EmptyTupleVal, nil
		}
		return cty.TupleVal(outs), nil
	case 2:
		byKey := map[string]cty.Value{}
		for i, k := range keys {
			byKey[k.AsString()] = outs[i]
		}
		return cty.ObjectVal(byKey), nil
	}
	return outs[0], nil
}
