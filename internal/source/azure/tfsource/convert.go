package tfsource

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"

	"github.com/bulwark-sec/bulwark/internal/source/azure/terraform"
)

// toResource converts an evaluated instance into the plan's shapes:
// values, after_unknown and the configuration.
func (m *module) toResource(b *hclsyntax.Block, in *inst) (*terraform.Resource, error) {
	if err := m.e.charge(in.obj); err != nil {
		return nil, err
	}
	c := &converter{why: map[string]string{}}
	v, u := c.conv(in.obj, nil)
	values, _ := v.(map[string]any)
	if values == nil {
		values = map[string]any{}
	}
	unk, _ := u.(map[string]any)
	applyDefaults(b.Labels[0], values, unk)
	return &terraform.Resource{
		Address: in.addr, Module: m.prefix, Type: b.Labels[0],
		Values: values, Unknown: unk, Config: in.cfg, Why: c.why,
		File: b.DefRange().Filename, At: posOf(b.DefRange().Start), Pos: in.pm,
	}, nil
}

type converter struct{ why map[string]string }

// conv returns a value as plan JSON holds it (nil for null and
// unknown) and its after_unknown: true where unknown, lists and objects
// of them where a collection holds unknowns, nil where all is known.
func (c *converter) conv(v cty.Value, path []string) (val, unk any) {
	v, marks := v.Unmark()
	if !v.IsKnown() {
		if w := reasonOf(marks); w != "" {
			c.why[strings.Join(path, ".")] = w
		}
		return nil, true
	}
	if v.IsNull() {
		return nil, nil
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return v.AsString(), nil
	case ty == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return f, nil
	case ty == cty.Bool:
		return v.True(), nil
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		out, us := []any{}, []any{}
		any := false
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			ev, eu := c.conv(e, append(path[:len(path):len(path)], strconv.Itoa(i)))
			out = append(out, ev)
			if eu == nil {
				eu = false
			} else {
				any = true
			}
			us = append(us, eu)
		}
		if !any {
			return out, nil
		}
		return out, us
	case ty.IsMapType() || ty.IsObjectType():
		out, us := map[string]any{}, map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			key := k.AsString()
			ev, eu := c.conv(e, append(path[:len(path):len(path)], key))
			if ev != nil {
				out[key] = ev
			}
			if eu != nil {
				us[key] = eu
			}
		}
		if len(us) == 0 {
			return out, nil
		}
		return out, us
	}
	return nil, nil
}

// rootInputs are the root module's variable values: terraform.tfvars,
// *.auto.tfvars (and their .json forms) in the module's directory, then
// --var-file files, then --var, later ones winning, as Terraform does.
func (e *evaluator) rootInputs(pd *parsedDir) (map[string]cty.Value, error) {
	in := map[string]cty.Value{}
	files := []string{}
	for _, n := range []string{"terraform.tfvars", "terraform.tfvars.json"} {
		p := filepath.Join(pd.dir, n)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			files = append(files, p)
		}
	}
	auto, _ := filepath.Glob(filepath.Join(pd.dir, "*.auto.tfvars"))
	autoJSON, _ := filepath.Glob(filepath.Join(pd.dir, "*.auto.tfvars.json"))
	auto = append(auto, autoJSON...)
	sort.Strings(auto)
	files = append(files, auto...)
	files = append(files, e.opt.VarFiles...)
	for _, f := range files {
		data, err := e.readFile(f)
		if err != nil {
			return nil, fmt.Errorf("variables file %w", err)
		}
		var file *hcl.File
		var diags hcl.Diagnostics
		if strings.HasSuffix(f, ".json") {
			file, diags = hcljson.Parse(data, f)
		} else {
			if _, err := parseBody(data, f, e.lim.Nesting); err != nil {
				return nil, err
			}
			file, diags = hclsyntax.ParseConfig(data, f, hcl.Pos{Line: 1, Column: 1})
		}
		if err := diagErr(diags); err != nil {
			return nil, err
		}
		attrs, diags := file.Body.JustAttributes()
		if err := diagErr(diags); err != nil {
			return nil, err
		}
		for name, a := range attrs {
			if _, ok := pd.vars[name]; !ok {
				e.out.Warnings = append(e.out.Warnings, fmt.Sprintf("%s:%d: no variable %q is declared; the value is not used", f, a.NameRange.Start.Line, name))
				continue
			}
			v, diags := a.Expr.Value(nil)
			if err := diagErr(diags); err != nil {
				return nil, err
			}
			in[name] = v
		}
	}
	for _, kv := range e.opt.Vars {
		name, raw, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("--var %q: give name=value", kv)
		}
		b, declared := pd.vars[name]
		if !declared {
			return nil, fmt.Errorf("--var %s: no variable %q is declared in %s", name, name, pd.dir)
		}
		ty, _, err := varType(b)
		if err != nil {
			return nil, err
		}
		// As Terraform: a primitive or unconstrained variable takes the
		// text as a string; others parse it as an expression.
		if ty.IsPrimitiveType() || ty == cty.DynamicPseudoType {
			in[name] = cty.StringVal(raw)
			continue
		}
		x, diags := hclsyntax.ParseExpression([]byte(raw), "--var "+name, hcl.Pos{Line: 1, Column: 1})
		if err := diagErr(diags); err != nil {
			return nil, err
		}
		v, diags := x.Value(nil)
		if err := diagErr(diags); err != nil {
			return nil, err
		}
		in[name] = v
	}
	return in, nil
}
