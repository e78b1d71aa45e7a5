package arm

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/azmodel"
)

// ARM template expressions ("[concat('a', parameters('b'))]") are
// evaluated as far as they can be before deployment. What depends on the
// deployment itself (reference(), list*(), utcNow(), newGuid(), the real
// subscription) becomes an unknown value carrying the reason, which ends
// up as a gap of the resource; never as a guessed value.

// unknown is a value that cannot be known before deployment, with why.
type unknown struct{ reason string }

// ref is reference(target) and properties read from it: unknown before
// deployment, but kept so that a role assignment's principal can be
// recognised as a cluster's kubelet identity.
type ref struct {
	target string
	path   []string
}

// secret is a value derived from a secure parameter (secureString,
// secureObject). Every function of a secret is a secret, and none of
// them is ever printed: not in a placeholder, a type error, a finding or
// a warning. Only "<redacted>" stands for it.
type secret struct{ v any }

// Wrapped is what the budget counts of a secret: the value it hides.
func (s secret) Wrapped() any { return s.v }

// Redacted is what output shows of a secret.
const Redacted = "<redacted>"

// taint marks v as derived from a secret. An unknown keeps no reason
// that could quote the secret.
func taint(v any, what string) any {
	switch x := v.(type) {
	case secret:
		return x
	case unknown:
		return unknown{what + " of a value derived from a secure parameter"}
	case nil:
		return nil
	}
	return secret{v}
}

// expr is a parsed expression.
type expr interface{}

type (
	lit  struct{ v any }
	call struct {
		name string // lower case
		// orig is the name as written, for placeholders.
		orig string
		args []expr
	}
	member struct {
		x    expr
		name string
	}
	indexExpr struct{ x, i expr }
)

// isExpression reports whether a template string is an expression; "[[" escapes a literal "[".
func isExpression(s string) bool {
	return len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' && !strings.HasPrefix(s, "[[")
}

// literalString undoes the "[[" escape.
func literalString(s string) string {
	if strings.HasPrefix(s, "[[") {
		return s[1:]
	}
	return s
}

type parser struct {
	s   string
	pos int
}

func parseExpr(src string) (expr, error) {
	p := &parser{s: src}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.s) {
		return nil, fmt.Errorf("unexpected %q at %d", p.s[p.pos:], p.pos)
	}
	return e, nil
}

func (p *parser) space() {
	for p.pos < len(p.s) && unicode.IsSpace(rune(p.s[p.pos])) {
		p.pos++
	}
}

func (p *parser) peek() byte {
	p.space()
	if p.pos >= len(p.s) {
		return 0
	}
	return p.s[p.pos]
}

func (p *parser) expr() (expr, error) {
	var e expr
	switch c := p.peek(); {
	case c == '\'':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		e = lit{s}
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.pos
		p.pos++
		for p.pos < len(p.s) && (p.s[p.pos] >= '0' && p.s[p.pos] <= '9' || p.s[p.pos] == '.') {
			p.pos++
		}
		f, err := strconv.ParseFloat(p.s[start:p.pos], 64)
		if err != nil {
			return nil, fmt.Errorf("bad number %q", p.s[start:p.pos])
		}
		e = lit{f}
	case isIdentStart(c):
		name := p.ident()
		if p.peek() == '(' {
			p.pos++
			var args []expr
			for p.peek() != ')' {
				a, err := p.expr()
				if err != nil {
					return nil, err
				}
				args = append(args, a)
				if p.peek() == ',' {
					p.pos++
				} else if p.peek() != ')' {
					return nil, fmt.Errorf("want , or ) at %d", p.pos)
				}
			}
			p.pos++
			e = call{strings.ToLower(name), name, args}
		} else {
			switch strings.ToLower(name) {
			case "true":
				e = lit{true}
			case "false":
				e = lit{false}
			case "null":
				e = lit{nil}
			default:
				return nil, fmt.Errorf("unknown word %q", name)
			}
		}
	case c == 0:
		return nil, fmt.Errorf("unexpected end")
	default:
		return nil, fmt.Errorf("unexpected %q at %d", c, p.pos)
	}
	for {
		switch p.peek() {
		case '.':
			p.pos++
			if !isIdentStart(p.peek()) {
				return nil, fmt.Errorf("want a property name at %d", p.pos)
			}
			e = member{e, p.ident()}
		case '[':
			p.pos++
			i, err := p.expr()
			if err != nil {
				return nil, err
			}
			if p.peek() != ']' {
				return nil, fmt.Errorf("want ] at %d", p.pos)
			}
			p.pos++
			e = indexExpr{e, i}
		default:
			return e, nil
		}
	}
}

func isIdentStart(c byte) bool { return c == '_' || c == '$' || unicode.IsLetter(rune(c)) }

func (p *parser) ident() string {
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '_' || c == '$' || unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)) {
			p.pos++
			continue
		}
		// namespace.function( of user-defined functions
		if c == '.' && p.pos+1 < len(p.s) && isIdentStart(p.s[p.pos+1]) && p.pos > start {
			rest := p.s[p.pos+1:]
			j := 0
			for j < len(rest) && (rest[j] == '_' || unicode.IsLetter(rune(rest[j])) || unicode.IsDigit(rune(rest[j]))) {
				j++
			}
			if j < len(rest) && rest[j] == '(' && strings.IndexByte(p.s[start:p.pos], '.') < 0 && !knownFunction(p.s[start:p.pos]) {
				p.pos += 1 + j
				continue
			}
		}
		break
	}
	return p.s[start:p.pos]
}

func (p *parser) str() (string, error) {
	p.pos++ // opening quote
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		p.pos++
		if c == '\'' {
			if p.pos < len(p.s) && p.s[p.pos] == '\'' {
				b.WriteByte('\'')
				p.pos++
				continue
			}
			return b.String(), nil
		}
		b.WriteByte(c)
	}
	return "", fmt.Errorf("unterminated string")
}

// scope is what expressions see: parameters, variables, copy indexes.
type scope struct {
	params map[string]func() any // lower-case name → value or unknown
	vars   map[string]func() any
	copies map[string]int // loop name (lower case) → index; "" the innermost
	// symbols are languageVersion 2.0 symbolic resource names → resource
	// ids, for reference('name').
	symbols map[string]string
	// b is the run's budget; nil in unit tests of single expressions.
	b *azmodel.Budget
}

func (sc *scope) withCopy(name string, i int) *scope {
	n := *sc
	n.copies = map[string]int{}
	for k, v := range sc.copies {
		n.copies[k] = v
	}
	n.copies[strings.ToLower(name)] = i
	n.copies[""] = i
	return &n
}

// evalString evaluates a template string: an expression or a literal.
func (sc *scope) evalString(s string) any {
	if !isExpression(s) {
		return literalString(s)
	}
	e, err := parseExpr(s[1 : len(s)-1])
	if err != nil {
		return unknown{fmt.Sprintf("expression %s does not parse: %v", azmodel.Truncate(s, 80), err)}
	}
	return sc.eval(e, 0)
}

const maxEvalDepth = 64

func (sc *scope) eval(e expr, depth int) any {
	if depth > maxEvalDepth {
		return unknown{"expression nested too deeply"}
	}
	sc.b.Step()
	sc.b.Enter()
	defer sc.b.Leave()
	switch x := e.(type) {
	case lit:
		return x.v
	case member:
		v := sc.eval(x.x, depth+1)
		if s, ok := v.(secret); ok {
			return taint(access(s.v, x.name), "a property")
		}
		return access(v, x.name)
	case indexExpr:
		i := sc.eval(x.i, depth+1)
		if u, ok := i.(unknown); ok {
			return u
		}
		v := sc.eval(x.x, depth+1)
		si, secretIndex := i.(secret)
		sv, secretValue := v.(secret)
		if secretIndex || secretValue {
			if secretIndex {
				i = si.v
			}
			if secretValue {
				v = sv.v
			}
			return taint(indexValue(v, i), "an index")
		}
		return indexValue(v, i)
	case call:
		return sc.call(x, depth+1)
	}
	return unknown{"unsupported expression"}
}

// indexValue is v[i].
func indexValue(v, i any) any {
	{
		switch k := i.(type) {
		case string:
			return access(v, k)
		case float64:
			switch a := v.(type) {
			case []any:
				if int(k) >= 0 && int(k) < len(a) {
					return a[int(k)]
				}
				return unknown{fmt.Sprintf("index %d out of range", int(k))}
			case unknown, ref:
				return accessRef(v, strconv.Itoa(int(k)))
			}
		}
		return unknown{"cannot index this value"}
	}
}

func access(v any, name string) any {
	switch o := v.(type) {
	case map[string]any:
		if val, ok := o[name]; ok {
			return val
		}
		for k, val := range o {
			if strings.EqualFold(k, name) {
				return val
			}
		}
		return unknown{fmt.Sprintf("property %q does not exist", name)}
	case unknown, ref:
		return accessRef(v, name)
	}
	return unknown{fmt.Sprintf("cannot read property %q of a %s", name, azmodel.Describe(v))}
}

func accessRef(v any, name string) any {
	if r, ok := v.(ref); ok {
		return ref{r.target, append(r.path[:len(r.path):len(r.path)], name)}
	}
	return v
}

// knownFunction reports whether name is a built-in template function.
func knownFunction(name string) bool {
	_, ok := builtins[strings.ToLower(name)]
	return ok
}

var builtins = map[string]bool{}

func init() {
	for _, n := range strings.Fields(`parameters variables concat format string int bool json tolower toupper trim
		replace split length empty contains first last union createarray array createobject coalesce if equals not and or
		greater greaterorequals less lessorequals uniquestring guid resourceid subscriptionresourceid tenantresourceid
		extensionresourceid managementgroupresourceid subscription resourcegroup tenant deployment environment reference
		copyindex tryget items startswith endswith indexof lastindexof substring take skip range min max add sub mul div mod
		true false null base64 utcnow newguid list listkeys listsecrets pickzones objectkeys join shallowmerge filter map
		reduce sort lambda lambdavariables toobject flatten`) {
		builtins[n] = true
	}
}

// constructing are the functions whose results are new values, charged
// to the run's byte budget.
var constructing = map[string]bool{
	"concat": true, "format": true, "string": true, "json": true, "tolower": true, "toupper": true, "trim": true,
	"replace": true, "split": true, "union": true, "shallowmerge": true, "createarray": true, "array": true,
	"createobject": true, "range": true, "items": true, "objectkeys": true, "join": true, "subscription": true,
	"resourcegroup": true, "tenant": true, "deployment": true, "resourceid": true, "subscriptionresourceid": true,
	"tenantresourceid": true, "extensionresourceid": true,
}

func (sc *scope) call(c call, depth int) any {
	// Lazily evaluated functions first.
	switch c.name {
	case "true", "false", "null":
		if len(c.args) == 0 {
			return map[string]any{"true": true, "false": false, "null": nil}[c.name]
		}
	case "if":
		if len(c.args) != 3 {
			return unknown{"if() takes 3 arguments"}
		}
		cond := sc.eval(c.args[0], depth)
		if s, ok := cond.(secret); ok {
			if b, ok := s.v.(bool); ok {
				return taint(sc.eval(c.args[map[bool]int{true: 1, false: 2}[b]], depth), "if()")
			}
			return unknown{"if() on a condition derived from a secure parameter that is not a boolean"}
		}
		switch cond := cond.(type) {
		case bool:
			if cond {
				return sc.eval(c.args[1], depth)
			}
			return sc.eval(c.args[2], depth)
		case unknown:
			return unknown{"if() on a condition unknown before deployment: " + cond.reason}
		}
		return unknown{"if() condition is not a boolean"}
	case "coalesce":
		for _, a := range c.args {
			v := sc.eval(a, depth)
			if _, u := v.(unknown); u {
				return v
			}
			if v != nil {
				return v
			}
		}
		return nil
	}
	args := make([]any, len(c.args))
	secretArg := make([]bool, len(c.args))
	tainted := false
	for i, a := range c.args {
		args[i] = sc.eval(a, depth)
		if s, ok := args[i].(secret); ok {
			args[i], secretArg[i], tainted = s.v, true, true
		}
	}
	switch c.name {
	case "uniquestring", "guid", "newguid", "utcnow":
		// Values made at deployment: a readable stand-in, the call as
		// written with what is known of its arguments, distinct for
		// distinct arguments so that three registries named
		// uniqueString(resourceGroup().id, 'acrN') stay three.
		p := sc.placeholder(c, args, secretArg)
		sc.b.Grow(int64(len(p)))
		return p
	}
	v := sc.apply(c, args)
	if constructing[c.name] {
		sc.b.Charge(v)
	}
	if tainted {
		return taint(v, c.orig+"()")
	}
	return v
}

// placeholder renders a call whose value only the deployment knows.
func (sc *scope) placeholder(c call, args []any, secretArg []bool) string {
	parts := make([]string, len(c.args))
	for i, e := range c.args {
		switch v := args[i].(type) {
		case string:
			if !strings.ContainsAny(v, "{}/") {
				parts[i] = quote(v)
			} else {
				parts[i] = render(e)
			}
		case float64, bool:
			parts[i] = toString(v)
		default:
			parts[i] = render(e)
		}
		if secretArg[i] {
			parts[i] = Redacted
		}
	}
	return "{" + c.orig + "(" + strings.Join(parts, ", ") + ")}"
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// render writes an expression back as template source.
func render(e expr) string {
	switch x := e.(type) {
	case lit:
		switch v := x.v.(type) {
		case string:
			return quote(v)
		case nil:
			return "null"
		default:
			return strings.ToLower(toString(v))
		}
	case call:
		parts := make([]string, len(x.args))
		for i, a := range x.args {
			parts[i] = render(a)
		}
		return x.orig + "(" + strings.Join(parts, ", ") + ")"
	case member:
		return render(x.x) + "." + x.name
	case indexExpr:
		return render(x.x) + "[" + render(x.i) + "]"
	}
	return "?"
}

// apply computes a function of evaluated arguments.
func (sc *scope) apply(c call, args []any) any {
	str := func(i int) (string, bool) {
		if i >= len(args) {
			return "", false
		}
		s, ok := args[i].(string)
		return s, ok
	}
	// Functions that take unknowns as they are.
	switch c.name {
	case "reference":
		target, _ := str(0)
		if id, ok := sc.symbols[strings.ToLower(target)]; ok {
			target = id
		}
		return ref{target: target}
	case "tryget":
		if len(args) < 2 {
			return unknown{"tryGet() needs an object and a key"}
		}
		v := args[0]
		for _, k := range args[1:] {
			if v == nil {
				return nil
			}
			if m, ok := v.(map[string]any); ok {
				ks, _ := k.(string)
				found := false
				for mk, mv := range m {
					if strings.EqualFold(mk, ks) {
						v, found = mv, true
						break
					}
				}
				if !found {
					return nil
				}
				continue
			}
			return accessRef(v, fmt.Sprint(k))
		}
		return v
	}
	for _, a := range args {
		switch a.(type) {
		case unknown, ref:
			if r, ok := a.(ref); ok {
				return unknown{"depends on reference(" + r.target + "), known only after deployment"}
			}
			return a
		}
	}
	if f, ok := functions[c.name]; ok {
		if v, done := f(sc, c, args); done {
			return v
		}
	}
	return unknown{fmt.Sprintf("%s() is not evaluated before deployment", c.name)}
}

// functions are the template functions evaluated before deployment, by
// lower-case name, one entry each (aliases share one). A function returns
// false when it cannot evaluate its arguments: the call is then unknown
// before deployment. Functions that take their arguments unevaluated (if,
// coalesce) or stand for deployment-time values (uniqueString, guid,
// newGuid, utcNow) are in scope.call.
var functions map[string]func(sc *scope, c call, args []any) (any, bool)

// stringFunc is a template function of one string that maps it with f.
func stringFunc(f func(string) string) func(sc *scope, c call, args []any) (any, bool) {
	return func(_ *scope, _ call, args []any) (any, bool) {
		if s, ok := argStr(args)(0); ok {
			return f(s), true
		}
		return nil, false
	}
}

func init() {
	functions = map[string]func(sc *scope, c call, args []any) (any, bool){
		"parameters": func(sc *scope, c call, args []any) (any, bool) {
			str := argStr(args)
			name, _ := str(0)
			v, ok := sc.params[strings.ToLower(name)]
			if !ok {
				return unknown{fmt.Sprintf("parameter %q is not declared", name)}, true
			}
			return v(), true
		},
		"variables": func(sc *scope, c call, args []any) (any, bool) {
			str := argStr(args)
			name, _ := str(0)
			f, ok := sc.vars[strings.ToLower(name)]
			if !ok {
				return unknown{fmt.Sprintf("variable %q is not defined", name)}, true
			}
			return f(), true
		},
		"copyindex": func(sc *scope, c call, args []any) (any, bool) {
			loop, offset := "", 0.0
			for _, a := range args {
				switch v := a.(type) {
				case string:
					loop = v
				case float64:
					offset = v
				}
			}
			i, ok := sc.copies[strings.ToLower(loop)]
			if !ok {
				return unknown{"copyIndex() outside a copy loop"}, true
			}
			return float64(i) + offset, true
		},
		"concat": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) > 0 {
				if _, isArr := args[0].([]any); isArr {
					n := 0
					for _, a := range args {
						arr, ok := a.([]any)
						if !ok {
							return unknown{"concat() mixes arrays and other values"}, true
						}
						n += len(arr)
					}
					sc.b.Grow(16 * int64(n))
					out := make([]any, 0, n)
					for _, a := range args {
						out = append(out, a.([]any)...)
					}
					return out, true
				}
			}
			parts := make([]string, len(args))
			n := int64(0)
			for i, a := range args {
				parts[i] = sc.toString(a)
				n += int64(len(parts[i]))
			}
			sc.b.Grow(n)
			return strings.Join(parts, ""), true
		},
		"format": func(sc *scope, c call, args []any) (any, bool) {
			str := argStr(args)
			f, ok := str(0)
			if !ok {
				return unknown{"format() needs a format string"}, true
			}
			strs := make([]string, len(args)-1)
			longest := 0
			for i, a := range args[1:] {
				strs[i] = sc.toString(a)
				longest = max(longest, len(strs[i]))
			}
			sc.b.Grow(int64(len(f)) + int64(strings.Count(f, "{"))*int64(longest))
			return netFormat(f, strs, args[1:], sc.b.Grow), true
		},
		"string": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) == 1 {
				return sc.toString(args[0]), true
			}
			return nil, false
		},
		"int": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) == 1 {
				switch v := args[0].(type) {
				case float64:
					return math.Trunc(v), true
				case string:
					if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
						return float64(n), true
					}
				}
			}
			return nil, false
		},
		"bool": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) == 1 {
				switch v := args[0].(type) {
				case bool:
					return v, true
				case string:
					if b, err := strconv.ParseBool(strings.ToLower(v)); err == nil {
						return b, true
					}
				case float64:
					return v != 0, true
				}
			}
			return nil, false
		},
		"json": func(sc *scope, c call, args []any) (any, bool) {
			str := argStr(args)
			if s, ok := str(0); ok && len(args) == 1 {
				var v any
				if err := json.Unmarshal([]byte(s), &v); err == nil {
					return v, true
				}
			}
			return nil, false
		},
		"tolower": stringFunc(strings.ToLower),
		"toupper": stringFunc(strings.ToUpper),
		"trim":    stringFunc(strings.TrimSpace),
		"replace": func(sc *scope, c call, args []any) (any, bool) {
			str := argStr(args)
			s, ok1 := str(0)
			o, ok2 := str(1)
			n, ok3 := str(2)
			if ok1 && ok2 && ok3 {
				k := int64(strings.Count(s, o))
				sc.b.Grow(int64(len(s)) + k*int64(len(n)-len(o)))
				return strings.ReplaceAll(s, o, n), true
			}
			return nil, false
		},
		"split": func(sc *scope, c call, args []any) (any, bool) {
			str := argStr(args)
			s, ok1 := str(0)
			if ok1 && len(args) == 2 {
				var seps []string
				switch d := args[1].(type) {
				case string:
					seps = []string{d}
				case []any:
					for _, x := range d {
						if xs, ok := x.(string); ok {
							seps = append(seps, xs)
						}
					}
				}
				parts := []string{s}
				for _, sep := range seps {
					var next []string
					for _, p := range parts {
						next = append(next, strings.Split(p, sep)...)
					}
					parts = next
				}
				out := make([]any, len(parts))
				for i, p := range parts {
					out[i] = p
				}
				return out, true
			}
			return nil, false
		},
		"startswith": func(sc *scope, c call, args []any) (any, bool) {
			str := argStr(args)
			s, ok1 := str(0)
			t, ok2 := str(1)
			if ok1 && ok2 {
				if c.name == "startswith" {
					return strings.HasPrefix(strings.ToLower(s), strings.ToLower(t)), true
				}
				return strings.HasSuffix(strings.ToLower(s), strings.ToLower(t)), true
			}
			return nil, false
		},
		"endswith": nil, // as startswith
		"length": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) == 1 {
				switch v := args[0].(type) {
				case string:
					return float64(utf8.RuneCountInString(v)), true
				case []any:
					return float64(len(v)), true
				case map[string]any:
					return float64(len(v)), true
				}
			}
			return nil, false
		},
		"empty": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) == 1 {
				switch v := args[0].(type) {
				case nil:
					return true, true
				case string:
					return v == "", true
				case []any:
					return len(v) == 0, true
				case map[string]any:
					return len(v) == 0, true
				}
			}
			return nil, false
		},
		"contains": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) == 2 {
				switch v := args[0].(type) {
				case string:
					if s, ok := args[1].(string); ok {
						return strings.Contains(v, s), true
					}
				case []any:
					for _, x := range v {
						if equal(x, args[1]) {
							return true, true
						}
					}
					return false, true
				case map[string]any:
					if s, ok := args[1].(string); ok {
						for k := range v {
							if strings.EqualFold(k, s) {
								return true, true
							}
						}
						return false, true
					}
				}
			}
			return nil, false
		},
		"first": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) == 1 {
				switch v := args[0].(type) {
				case string:
					if v == "" {
						return "", true
					}
					// One character, without converting the whole string.
					if c.name == "first" {
						r, _ := utf8.DecodeRuneInString(v)
						return string(r), true
					}
					r, _ := utf8.DecodeLastRuneInString(v)
					return string(r), true
				case []any:
					if len(v) == 0 {
						return nil, true
					}
					if c.name == "first" {
						return v[0], true
					}
					return v[len(v)-1], true
				}
			}
			return nil, false
		},
		"last": nil, // as first
		"union": func(sc *scope, c call, args []any) (any, bool) {
			if c.name == "shallowmerge" && len(args) == 1 {
				arr, _ := args[0].([]any)
				args = arr
			}
			if len(args) > 0 {
				if _, isObj := args[0].(map[string]any); isObj {
					out := map[string]any{}
					for _, a := range args {
						m, ok := a.(map[string]any)
						if !ok {
							return unknown{"union() mixes objects and other values"}, true
						}
						for k, v := range m {
							if c.name == "union" {
								v = mergeObjects(out[k], v, sc.b)
							}
							out[k] = v
						}
					}
					return out, true
				}
				var out []any
				seen := map[string]bool{}
				for _, a := range args {
					arr, ok := a.([]any)
					if !ok {
						return unknown{"union() mixes arrays and other values"}, true
					}
					for _, x := range arr {
						k := toString(x)
						if _, isStr := x.(string); !isStr {
							k = "\x00" + k
						}
						if !seen[k] {
							seen[k] = true
							out = append(out, x)
						}
					}
				}
				return out, true
			}
			return nil, false
		},
		"shallowmerge": nil, // as union
		"createarray": func(sc *scope, c call, args []any) (any, bool) {
			if c.name == "array" && len(args) == 1 {
				if a, ok := args[0].([]any); ok {
					return a, true
				}
			}
			out := make([]any, len(args))
			copy(out, args)
			return out, true
		},
		"array": nil, // as createarray
		"createobject": func(sc *scope, c call, args []any) (any, bool) {
			if len(args)%2 == 0 {
				out := map[string]any{}
				for i := 0; i < len(args); i += 2 {
					k, ok := args[i].(string)
					if !ok {
						return unknown{"createObject() key is not a string"}, true
					}
					out[k] = args[i+1]
				}
				return out, true
			}
			return nil, false
		},
		"equals": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) == 2 {
				return equal(args[0], args[1]), true
			}
			return nil, false
		},
		"not": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) != 1 {
				return nil, false
			}
			if b, ok := args[0].(bool); ok {
				return !b, true
			}
			return nil, false
		},
		"and": func(sc *scope, c call, args []any) (any, bool) {
			acc := c.name == "and"
			for _, a := range args {
				b, ok := a.(bool)
				if !ok {
					return unknown{c.name + "() of a value that is not a boolean"}, true
				}
				if c.name == "and" {
					acc = acc && b
				} else {
					acc = acc || b
				}
			}
			return acc, true
		},
		"or": nil, // as and
		"greater": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) == 2 {
				// Numbers by value, strings ordinally (greater('A', 'a')
				// is false).
				var cmp int
				switch a := args[0].(type) {
				case float64:
					b, ok := args[1].(float64)
					if !ok {
						return nil, false
					}
					cmp = compareNumbers(a, b)
				case string:
					b, ok := args[1].(string)
					if !ok {
						return nil, false
					}
					cmp = strings.Compare(a, b)
				default:
					return nil, false
				}
				switch c.name {
				case "greater":
					return cmp > 0, true
				case "greaterorequals":
					return cmp >= 0, true
				case "less":
					return cmp < 0, true
				default:
					return cmp <= 0, true
				}
			}
			return nil, false
		},
		"greaterorequals": nil, // as greater
		"less":            nil, // as greater
		"lessorequals":    nil, // as greater
		"add": func(sc *scope, c call, args []any) (any, bool) {
			nums := make([]float64, 0, len(args))
			for _, a := range args {
				if arr, ok := a.([]any); ok && (c.name == "min" || c.name == "max") {
					for _, x := range arr {
						if f, ok := x.(float64); ok {
							nums = append(nums, f)
						}
					}
					continue
				}
				f, ok := a.(float64)
				if !ok {
					return unknown{c.name + "() of a value that is not a number"}, true
				}
				nums = append(nums, f)
			}
			if len(nums) == 0 {
				return nil, false
			}
			r := nums[0]
			for _, n := range nums[1:] {
				switch c.name {
				case "add":
					r += n
				case "sub":
					r -= n
				case "mul":
					r *= n
				case "div":
					if n == 0 {
						return unknown{"division by zero"}, true
					}
					r = math.Trunc(r / n)
				case "mod":
					if n == 0 {
						return unknown{"division by zero"}, true
					}
					r = math.Mod(r, n)
				case "min":
					r = math.Min(r, n)
				case "max":
					r = math.Max(r, n)
				}
			}
			return r, true
		},
		"sub": nil, // as add
		"mul": nil, // as add
		"div": nil, // as add
		"mod": nil, // as add
		"min": nil, // as add
		"max": nil, // as add
		"range": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) == 2 {
				s, ok1 := args[0].(float64)
				n, ok2 := args[1].(float64)
				if ok1 && ok2 && n >= 0 && n <= 10000 {
					sc.b.Grow(16 * int64(n))
					out := make([]any, int(n))
					for i := range out {
						out[i] = s + float64(i)
					}
					return out, true
				}
			}
			return nil, false
		},
		"take": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) == 2 {
				n, ok := args[1].(float64)
				if !ok {
					return nil, false
				}
				switch a := args[0].(type) {
				case []any:
					k := max(0, min(int(n), len(a)))
					if c.name == "take" {
						return a[:k], true
					}
					return a[k:], true
				case string:
					// The byte offset of the n-th character, without
					// converting the whole string.
					off := 0
					for i := 0.0; i < n && off < len(a); i++ {
						_, size := utf8.DecodeRuneInString(a[off:])
						off += size
					}
					if c.name == "take" {
						return a[:off], true
					}
					return a[off:], true
				}
			}
			return nil, false
		},
		"skip": nil, // as take
		"items": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) != 1 {
				return nil, false
			}
			if m, ok := args[0].(map[string]any); ok {
				keys := sortedKeys(m)
				out := make([]any, len(keys))
				for i, k := range keys {
					out[i] = map[string]any{"key": k, "value": m[k]}
				}
				return out, true
			}
			return nil, false
		},
		"objectkeys": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) != 1 {
				return nil, false
			}
			if m, ok := args[0].(map[string]any); ok {
				keys := sortedKeys(m)
				out := make([]any, len(keys))
				for i, k := range keys {
					out[i] = k
				}
				return out, true
			}
			return nil, false
		},
		"join": func(sc *scope, c call, args []any) (any, bool) {
			if len(args) != 2 {
				return nil, false
			}
			if a, ok := args[0].([]any); ok {
				sep, isStr := args[1].(string)
				if !isStr {
					return nil, false
				}
				parts := make([]string, len(a))
				n := int64(len(sep) * len(a))
				for i, x := range a {
					parts[i] = sc.toString(x)
					n += int64(len(parts[i]))
				}
				sc.b.Grow(n)
				return strings.Join(parts, sep), true
			}
			return nil, false
		},
		"subscription": func(sc *scope, c call, args []any) (any, bool) {
			return map[string]any{"id": "/subscriptions/{subscriptionId}", "subscriptionId": "{subscriptionId}", "tenantId": "{tenantId}", "displayName": "{subscriptionName}"}, true
		},
		"resourcegroup": func(sc *scope, c call, args []any) (any, bool) {
			return map[string]any{"id": "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}", "name": "{resourceGroupName}",
				"location": "{resourceGroupLocation}", "type": "Microsoft.Resources/resourceGroups", "properties": map[string]any{}}, true
		},
		"tenant": func(sc *scope, c call, args []any) (any, bool) {
			return map[string]any{"tenantId": "{tenantId}", "countryCode": "{countryCode}", "displayName": "{tenantName}"}, true
		},
		"deployment": func(sc *scope, c call, args []any) (any, bool) {
			return map[string]any{"name": "{deploymentName}", "properties": map[string]any{}}, true
		},
		"resourceid": func(sc *scope, c call, args []any) (any, bool) {
			return resourceID(c.name, args), true
		},
		"subscriptionresourceid": nil, // as resourceid
		"tenantresourceid":       nil, // as resourceid
		"extensionresourceid":    nil, // as resourceid
	}
	for name, f := range functions {
		if f == nil {
			functions[name] = functions[aliasOf[name]]
		}
	}
}

// aliasOf names the entry of a function that shares another's.
var aliasOf = map[string]string{
	"endswith":               "startswith",
	"last":                   "first",
	"shallowmerge":           "union",
	"array":                  "createarray",
	"or":                     "and",
	"greaterorequals":        "greater",
	"less":                   "greater",
	"lessorequals":           "greater",
	"sub":                    "add",
	"mul":                    "add",
	"div":                    "add",
	"mod":                    "add",
	"min":                    "add",
	"max":                    "add",
	"skip":                   "take",
	"subscriptionresourceid": "resourceid",
	"tenantresourceid":       "resourceid",
	"extensionresourceid":    "resourceid",
}

// argStr returns argument i as a string.
func argStr(args []any) func(int) (string, bool) {
	return func(i int) (string, bool) {
		if i >= len(args) {
			return "", false
		}
		s, ok := args[i].(string)
		return s, ok
	}
}

// resourceID builds the id resourceId() and its relatives return, with
// placeholders for the deployment's subscription and resource group.
func resourceID(fn string, args []any) any {
	ss := make([]string, len(args))
	for i, a := range args {
		s, ok := a.(string)
		if !ok {
			return unknown{fn + "() of a value that is not a string"}
		}
		ss[i] = s
	}
	prefix := ""
	switch fn {
	case "extensionresourceid":
		if len(ss) < 3 {
			return unknown{"extensionResourceId() needs a scope, a type and a name"}
		}
		prefix, ss = strings.TrimSuffix(ss[0], "/"), ss[1:]
	case "tenantresourceid":
	case "subscriptionresourceid":
		prefix = "/subscriptions/{subscriptionId}"
		if len(ss) > 0 && !strings.Contains(ss[0], "/") {
			prefix, ss = "/subscriptions/"+ss[0], ss[1:]
		}
	default:
		sub, rg := "{subscriptionId}", "{resourceGroupName}"
		typeAt := -1
		for i, s := range ss {
			if strings.Contains(s, "/") && strings.Contains(s, ".") {
				typeAt = i
				break
			}
		}
		switch typeAt {
		case 1:
			rg = ss[0]
		case 2:
			sub, rg = ss[0], ss[1]
		}
		if typeAt < 0 {
			return unknown{"resourceId() without a resource type"}
		}
		prefix, ss = "/subscriptions/"+sub+"/resourceGroups/"+rg, ss[typeAt:]
	}
	if len(ss) < 2 {
		return unknown{fn + "() needs a type and a name"}
	}
	typeSegs := strings.Split(ss[0], "/")
	names := ss[1:]
	if len(typeSegs)-1 != len(names) {
		return unknown{fmt.Sprintf("%s(): type %s needs %d names", fn, ss[0], len(typeSegs)-1)}
	}
	var b strings.Builder
	b.WriteString(prefix + "/providers/" + typeSegs[0])
	for i, t := range typeSegs[1:] {
		b.WriteString("/" + t + "/" + names[i])
	}
	return b.String()
}

// netFormat implements the .NET composite format of format(): {0}, {1},
// an alignment ({0,5}, {0,-5}) and, for numbers, the D and N format
// specifiers ({0:D3}, {2:N0}) and zero placeholders ({0:000}). Other
// specifiers of a number are unknown rather than ignored: the value would
// be wrong. Strings and booleans ignore specifiers, as in .NET. What a
// placeholder's text adds to its argument's (padding, digits) is counted
// by grow as it is produced: the caller counted the arguments only.
func netFormat(f string, args []string, vals []any, grow func(int64)) any {
	// The text is measured first and written once, at its size, keeping
	// nothing in between: a format string of many padded placeholders
	// reaches the limit before its result is built.
	size, u := formatPass(f, args, vals, nil, grow)
	if u != nil {
		return *u
	}
	var b strings.Builder
	b.Grow(size)
	formatPass(f, args, vals, &b, nil)
	return b.String()
}

// formatPass walks a composite format: it writes the text to out, or,
// without out, returns its size and tells grow what placeholders add to
// their arguments' text.
func formatPass(f string, args []string, vals []any, out *strings.Builder, grow func(int64)) (int, *unknown) {
	size := 0
	lit := 0 // start of the literal text not yet written
	flush := func(end int) {
		if out != nil {
			out.WriteString(f[lit:end])
		}
		size += end - lit
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case (c == '{' || c == '}') && i+1 < len(f) && f[i+1] == c:
			flush(i + 1)
			i++
			lit = i + 1
		case c == '{':
			flush(i)
			end := strings.IndexByte(f[i:], '}')
			if end < 0 {
				return 0, &unknown{"format(): unclosed {"}
			}
			item := f[i+1 : i+end]
			spec, layout, _ := strings.Cut(item, ":")
			spec, align, aligned := strings.Cut(spec, ",")
			n, err := strconv.Atoi(strings.TrimSpace(spec))
			if err != nil || n < 0 || n >= len(args) {
				return 0, &unknown{"format(): bad placeholder {" + item + "}"}
			}
			text := args[n]
			if x, isNum := vals[n].(float64); isNum && layout != "" {
				var ok bool
				if text, ok = formatNumber(x, layout); !ok {
					return 0, &unknown{"format(): format specifier {" + item + "} is not evaluated before deployment"}
				}
			}
			pad, padBefore := 0, false
			if aligned {
				w, err := strconv.Atoi(strings.TrimSpace(align))
				if err != nil || w > maxAlignment || w < -maxAlignment {
					return 0, &unknown{"format(): bad alignment {" + item + "}"}
				}
				pad, padBefore = max(0, abs(w)-utf8.RuneCountInString(text)), w > 0
			}
			if out != nil {
				if padBefore {
					writeSpaces(out, pad)
				}
				out.WriteString(text)
				if !padBefore {
					writeSpaces(out, pad)
				}
			} else if extra := len(text) + pad - len(args[n]); extra > 0 {
				grow(int64(extra))
			}
			size += len(text) + pad
			i += end
			lit = i + 1
		}
	}
	flush(len(f))
	return size, nil
}

func writeSpaces(b *strings.Builder, n int) {
	for range n {
		b.WriteByte(' ')
	}
}

// toString is toString within the run's budget: objects and arrays are
// written as JSON, which expands every use of a shared part.
func (sc *scope) toString(v any) string {
	switch v.(type) {
	case map[string]any, []any:
		sc.b.Grow(2 * azmodel.SizeOf(v, sc.b.Remaining()+1))
	}
	return toString(v)
}

// MarshalJSON keeps a secret out of JSON written from a value that holds
// one (string() of an object with a secure member).
func (secret) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }

// toString is string() as ARM does it: booleans as True/False, objects
// and arrays as JSON.
func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		if x {
			return "True"
		}
		return "False"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func equal(a, b any) bool {
	ab, _ := json.Marshal(a)
	bb, _ := json.Marshal(b)
	return string(ab) == string(bb)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Unknown is a value that cannot be known before deployment, with why
// (a Key Vault reference among the --parameters, say).
func Unknown(reason string) any { return unknown{reason} }

// maxAlignment bounds the width of {0,n} in format(); templates pad names
// and numbers to a few characters.
const maxAlignment = 1000

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// formatNumber applies the .NET standard numeric formats D (integer,
// zero-padded to the precision) and N (thousands separators, the
// precision's decimals, 2 by default) with the invariant culture, and the
// custom format of zero placeholders to integers.
func formatNumber(x float64, layout string) (string, bool) {
	if strings.Trim(layout, "0") == "" && len(layout) <= 20 && x == math.Trunc(x) && math.Abs(x) <= 1<<53 {
		// The custom format of zero placeholders ({0:000}): an integer
		// padded with zeros to their number.
		s := strconv.FormatFloat(math.Abs(x), 'f', 0, 64)
		if len(s) < len(layout) {
			s = strings.Repeat("0", len(layout)-len(s)) + s
		}
		if x < 0 {
			s = "-" + s
		}
		return s, true
	}
	if len(layout) == 0 || len(layout) > 3 {
		return "", false
	}
	prec, hasPrec := 0, len(layout) > 1
	if hasPrec {
		p, err := strconv.Atoi(layout[1:])
		if err != nil || p < 0 {
			return "", false
		}
		prec = p
	}
	neg := x < 0
	if neg {
		x = -x
	}
	var s string
	switch layout[0] {
	case 'D', 'd':
		if x != math.Trunc(x) || x > 1<<53 {
			return "", false
		}
		s = strconv.FormatFloat(x, 'f', 0, 64)
		if len(s) < prec {
			s = strings.Repeat("0", prec-len(s)) + s
		}
	case 'N', 'n':
		if !hasPrec {
			prec = 2
		}
		if x > 1<<53 {
			return "", false
		}
		whole, frac, _ := strings.Cut(strconv.FormatFloat(x, 'f', prec, 64), ".")
		var b strings.Builder
		for i, d := range whole {
			if i > 0 && (len(whole)-i)%3 == 0 {
				b.WriteByte(',')
			}
			b.WriteRune(d)
		}
		s = b.String()
		if frac != "" {
			s += "." + frac
		}
	default:
		return "", false
	}
	if neg && strings.Trim(s, "0.,") != "" {
		s = "-" + s
	}
	return s, true
}

// compareNumbers orders two numbers.
func compareNumbers(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// mergeObjects is union() of two members of the same name: objects merge
// recursively, anything else is replaced by the later value. Neither
// input is changed (values are shared between uses of a variable). Each
// member copied is counted as it is made: objects built from shared parts
// are copied at every use.
func mergeObjects(prev, next any, b *azmodel.Budget) any {
	p, ok1 := prev.(map[string]any)
	n, ok2 := next.(map[string]any)
	if !ok1 || !ok2 {
		return next
	}
	out := make(map[string]any, len(p)+len(n))
	for k, v := range p {
		b.Grow(16 + int64(len(k)))
		out[k] = v
	}
	for k, v := range n {
		b.Grow(16 + int64(len(k)))
		out[k] = mergeObjects(out[k], v, b)
	}
	return out
}
