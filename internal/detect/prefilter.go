package detect

import (
	"slices"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"

	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// prefilter is what a user rule's expression requires of the verb and
// the resource, read from its top-level conjunction (event.verb == "x",
// event.verb in ["x", "y"], the same for event.objectRef.resource): an
// event outside it cannot match, and is not turned into a map and
// evaluated. Nil lists require nothing.
type prefilter struct {
	verbs, resources []string
}

func prefilterOf(a *cel.Ast) prefilter {
	var p prefilter
	var walk func(e ast.Expr)
	walk = func(e ast.Expr) {
		if e.Kind() != ast.CallKind {
			return
		}
		call := e.AsCall()
		args := call.Args()
		switch call.FunctionName() {
		case operators.LogicalAnd:
			for _, a := range args {
				walk(a)
			}
		case operators.Equals:
			if len(args) == 2 {
				p.require(args[0], []ast.Expr{args[1]})
				p.require(args[1], []ast.Expr{args[0]})
			}
		case operators.In:
			if len(args) == 2 && args[1].Kind() == ast.ListKind {
				p.require(args[0], args[1].AsList().Elements())
			}
		}
	}
	walk(a.NativeRep().Expr())
	return p
}

// require records that field (event.verb or event.objectRef.resource) is
// one of the string literals vals; anything else requires nothing.
func (p *prefilter) require(field ast.Expr, vals []ast.Expr) {
	var to *[]string
	switch path(field) {
	case "event.verb":
		to = &p.verbs
	case "event.objectRef.resource":
		to = &p.resources
	default:
		return
	}
	var lits []string
	for _, v := range vals {
		if v.Kind() != ast.LiteralKind {
			return
		}
		s, ok := v.AsLiteral().Value().(string)
		if !ok {
			return
		}
		lits = append(lits, s)
	}
	if *to != nil { // two conditions on one field: both must hold
		lits = slices.DeleteFunc(lits, func(s string) bool { return !slices.Contains(*to, s) })
		if lits == nil {
			lits = []string{}
		}
	}
	*to = lits
}

// path is a chain of field selections from an identifier, dotted.
func path(e ast.Expr) string {
	switch e.Kind() {
	case ast.IdentKind:
		return e.AsIdent()
	case ast.SelectKind:
		s := e.AsSelect()
		if s.IsTestOnly() {
			return ""
		}
		if op := path(s.Operand()); op != "" {
			return op + "." + s.FieldName()
		}
	}
	return ""
}

// admits reports whether ev may match.
func (p *prefilter) admits(ev *audit.Event) bool {
	if p.verbs != nil && !slices.Contains(p.verbs, ev.Verb) {
		return false
	}
	if p.resources != nil && (ev.ObjectRef == nil || !slices.Contains(p.resources, ev.ObjectRef.Resource)) {
		return false
	}
	return true
}
