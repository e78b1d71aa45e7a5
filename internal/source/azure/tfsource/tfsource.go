// Package tfsource reads Terraform source (.tf files) for the AKS and
// ACR checks without Terraform, providers or credentials: it evaluates a
// root module with hcl/v2 — variables (defaults, .tfvars, *.auto.tfvars,
// --var-file, --var), locals, count and for_each, dynamic blocks, local
// modules with their inputs and outputs, references between resources
// and the common functions — into the resource values, unknown markers
// and configuration references a plan holds, and hands them to the plan
// mapping (package terraform), so that source and plan of one
// configuration give the same model. What only apply can know (a
// computed attribute of another resource, a data source, a module from a
// registry) stays unknown with its reason: not assessed, never a pass.
package tfsource

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/bulwark-sec/bulwark/internal/regularfile"
	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/azmodel"
	"github.com/bulwark-sec/bulwark/internal/source/azure/terraform"
)

// Options say how a root module is read.
type Options struct {
	// Vars are --var name=value, applied after VarFiles.
	Vars []string
	// VarFiles are --var-file files, applied after the root module's
	// terraform.tfvars and *.auto.tfvars.
	VarFiles []string
	// MaxFileSize bounds one .tf or .tfvars file.
	MaxFileSize int64
	Limits      Limits
}

// Limits bound the evaluation of one root module; zero fields take
// DefaultLimits.
type Limits struct {
	// Bytes is the size of what references in templates, for
	// expressions and functions produce, counted as it is produced.
	Bytes int64
	// Iterations is the number of for-expression iterations.
	Iterations int64
	// Instances is the number of resource and module instances that
	// count and for_each expand to.
	Instances int
	// ModuleDepth is how deeply module calls may nest.
	ModuleDepth int
	// Files is the number of .tf files read.
	Files int
	// Nesting is how deeply brackets may nest in one file.
	Nesting int
	// Depth is how deeply evaluation may nest: a local referring to a
	// local referring to a local...
	Depth int
	// SourceBytes is the size of all .tf files read.
	SourceBytes int64
}

// DefaultLimits are far above what real configurations need: an estate
// of hundreds of clusters has a few thousand instances.
var DefaultLimits = Limits{Bytes: 32 << 20, Iterations: 100_000, Instances: 10_000, ModuleDepth: 16, Files: 2_000, Nesting: 256, Depth: 1_000, SourceBytes: 32 << 20}

// DefaultMaxFileSize bounds one .tf file: configurations are small.
const DefaultMaxFileSize = 4 << 20

func (l Limits) orDefault() Limits {
	d := DefaultLimits
	return Limits{
		Bytes: positiveOr(l.Bytes, d.Bytes), Iterations: positiveOr(l.Iterations, d.Iterations),
		Instances: positiveOr(l.Instances, d.Instances), ModuleDepth: positiveOr(l.ModuleDepth, d.ModuleDepth),
		Files: positiveOr(l.Files, d.Files), Nesting: positiveOr(l.Nesting, d.Nesting),
		Depth: positiveOr(l.Depth, d.Depth), SourceBytes: positiveOr(l.SourceBytes, d.SourceBytes),
	}
}

// positiveOr is v when set (positive), else the default d.
func positiveOr[T int | int64](v, d T) T {
	if v > 0 {
		return v
	}
	return d
}

// Module is what Read found in one root module.
type Module struct {
	// Resources are the instances of the resource types the plan
	// mapping reads, root module first, in file order.
	Resources []*terraform.Resource
	// Errors are syntax and evaluation errors, with file and line; a
	// root module with errors is not judged.
	Errors   []*azmodel.Error
	Warnings []string
	// Files is the number of .tf files read.
	Files int
}

// srcErr is an error at a line of a file.
type srcErr struct {
	file string
	line int
	msg  string
}

func (e *srcErr) Error() string { return fmt.Sprintf("%s:%d: %s", e.file, e.line, e.msg) }

func errAt(r hcl.Range, format string, args ...any) *srcErr {
	return &srcErr{file: r.Filename, line: r.Start.Line, msg: fmt.Sprintf(format, args...)}
}

// diagErr turns hcl's diagnostics into an error at the first error's
// line; nil when there is no error.
func diagErr(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if d.Subject == nil {
			return &srcErr{msg: msg}
		}
		return &srcErr{file: d.Subject.Filename, line: d.Subject.Start.Line, msg: msg}
	}
	return nil
}

// Read evaluates the root module in dir.
func Read(dir string, opt Options) *Module {
	e := &evaluator{opt: opt, lim: opt.Limits.orDefault(), parsed: map[string]*parsedDir{}, out: &Module{}}
	if e.opt.MaxFileSize <= 0 {
		e.opt.MaxFileSize = DefaultMaxFileSize
	}
	e.funcs = e.functions()
	e.root = filepath.Clean(dir)
	e.run()
	return e.out
}

type evaluator struct {
	opt    Options
	lim    Limits
	funcs  map[string]function.Function
	root   string
	parsed map[string]*parsedDir
	out    *Module
	// Budget spent so far; spent is the limit reached, once one is.
	bytes, iterations int64
	source            int64
	instances, files  int
	depth             int
	spent             error
	// at is the range being evaluated, for limit errors.
	at hcl.Range
}

func (e *evaluator) run() {
	defer func() {
		if r := recover(); r != nil {
			// A fault of ours: the module is not judged, and the message
			// carries no input (it could be a secret).
			e.out.Errors = append(e.out.Errors, &azmodel.Error{File: e.root, Line: e.at.Start.Line, Msg: "internal error while evaluating this Terraform module; please report it"})
		}
	}()
	pd, err := e.parse(e.root)
	if err != nil {
		e.addErr(err)
		return
	}
	m := newModule(e, pd, "", nil)
	in, err := e.rootInputs(pd)
	if err != nil {
		e.addErr(err)
		return
	}
	m.input = in
	m.emit()
}

func (e *evaluator) addErr(err error) {
	var se *srcErr
	if errors.As(err, &se) {
		file := se.file
		if file == "" {
			file = e.root
		}
		for _, x := range e.out.Errors {
			if x.File == file && x.Line == se.line && x.Msg == se.msg {
				return
			}
		}
		e.out.Errors = append(e.out.Errors, &azmodel.Error{File: file, Line: se.line, Msg: se.msg})
		return
	}
	e.out.Errors = append(e.out.Errors, &azmodel.Error{File: e.root, Msg: err.Error()})
}

func (e *evaluator) remaining() int64 { return e.lim.Bytes - e.bytes }

func (e *evaluator) fail(msg string) error {
	if e.spent == nil {
		e.spent = errAt(e.at, "%s", msg)
	}
	return e.spent
}

func (e *evaluator) exceed() error {
	return e.fail(fmt.Sprintf("expressions produce more than %d bytes (limit): templates, for expressions or functions multiply values", e.lim.Bytes))
}

// charge counts a value produced.
func (e *evaluator) charge(v cty.Value) error {
	n := sizeOf(v, e.remaining()+1)
	if e.bytes += n; e.bytes > e.lim.Bytes {
		return e.exceed()
	}
	return nil
}

// sizeOf is what a value costs, counted up to limit: string bytes, 16
// per element or attribute, 8 per other value.
func sizeOf(v cty.Value, limit int64) int64 {
	var n int64
	var walk func(cty.Value)
	walk = func(v cty.Value) {
		if n > limit {
			return
		}
		v, _ = v.Unmark()
		switch {
		case !v.IsKnown() || v.IsNull():
			n += 8
		case v.Type() == cty.String:
			n += int64(len(v.AsString()))
		case v.CanIterateElements():
			for it := v.ElementIterator(); it.Next() && n <= limit; {
				k, x := it.Element()
				n += 16
				if k.Type() == cty.String {
					n += int64(len(k.AsString()))
				}
				walk(x)
			}
		default:
			n += 8
		}
	}
	walk(v)
	return n
}

// unknownWhy is the mark that says why a value is unknown.
type unknownWhy string

// unknown is a value known only when Terraform plans or applies, with
// the reason.
func unknown(why string) cty.Value { return cty.DynamicVal.Mark(unknownWhy(why)) }

// reasonOf joins the reasons a value's marks carry.
func reasonOf(marks cty.ValueMarks) string {
	var rs []string
	for m := range marks {
		if w, ok := m.(unknownWhy); ok {
			rs = append(rs, string(w))
		}
	}
	sort.Strings(rs)
	if len(rs) > 3 {
		rs = append(rs[:3], "…")
	}
	return strings.Join(rs, "; ")
}

// parsedDir is the .tf files of one directory, parsed once however many
// times the module is called.
type parsedDir struct {
	dir       string
	vars      map[string]*hclsyntax.Block
	locals    map[string]*hclsyntax.Attribute
	outputs   map[string]*hclsyntax.Attribute
	calls     map[string]*hclsyntax.Block
	callOrder []string
	res       map[string]*hclsyntax.Block // type.name, data.type.name
	resOrder  []string
}

// tfFiles lists a directory's .tf files, sorted, and the files Terraform
// would read that Bulwark does not: JSON syntax (.tf.json) and override
// files.
func tfFiles(dir string) (files, unread []string, err error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range ents {
		name := d.Name()
		if d.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		switch {
		case strings.HasSuffix(name, ".tf.json"), name == "override.tf", strings.HasSuffix(name, "_override.tf"):
			unread = append(unread, filepath.Join(dir, name))
		case strings.HasSuffix(name, ".tf"):
			files = append(files, filepath.Join(dir, name))
		}
	}
	return files, unread, nil
}

func (e *evaluator) readFile(name string) ([]byte, error) {
	data, err := regularfile.Read(name, e.opt.MaxFileSize)
	var tl *regularfile.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, &srcErr{file: name, msg: err.Error() + " (see --max-file-size)"}
	case err != nil:
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return data, nil
}

func (e *evaluator) parse(dir string) (*parsedDir, error) {
	if pd, ok := e.parsed[dir]; ok {
		return pd, nil
	}
	files, unread, err := tfFiles(dir)
	if err != nil {
		return nil, err
	}
	if len(unread) > 0 {
		// Judging the module without them could pass what they change.
		return nil, fmt.Errorf("%s: Bulwark reads .tf files and does not merge override files; scan a plan of this module (terraform show -json)", unread[0])
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no .tf files", dir)
	}
	pd := &parsedDir{dir: dir, vars: map[string]*hclsyntax.Block{}, locals: map[string]*hclsyntax.Attribute{},
		outputs: map[string]*hclsyntax.Attribute{}, calls: map[string]*hclsyntax.Block{}, res: map[string]*hclsyntax.Block{}}
	for _, name := range files {
		if e.files++; e.files > e.lim.Files {
			return nil, fmt.Errorf("%s: more than %d .tf files in one configuration (limit)", name, e.lim.Files)
		}
		e.out.Files++
		data, err := e.readFile(name)
		if err != nil {
			return nil, err
		}
		if e.source += int64(len(data)); e.source > e.lim.SourceBytes {
			return nil, &srcErr{file: name, msg: fmt.Sprintf("the .tf files of one configuration are larger than %d bytes together (limit)", e.lim.SourceBytes)}
		}
		body, err := parseBody(data, name, e.lim.Nesting)
		if err != nil {
			return nil, err
		}
		if err := pd.add(body); err != nil {
			return nil, err
		}
	}
	e.parsed[dir] = pd
	return pd, nil
}

// parseBody parses one file, after refusing what would make hcl's
// parser, which recurses once per level, exhaust the stack: brackets
// nested deeper than limit, long chains of unary operators, too many
// conditionals (each nests the next).
func parseBody(data []byte, name string, limit int) (*hclsyntax.Body, error) {
	if err := checkNesting(data, name, limit); err != nil {
		return nil, err
	}
	f, diags := hclsyntax.ParseConfig(data, name, hcl.Pos{Line: 1, Column: 1})
	if err := diagErr(diags); err != nil {
		return nil, err
	}
	body := f.Body.(*hclsyntax.Body)
	instrument(body)
	return body, nil
}

// Bounds of checkNesting beside the bracket limit: a real configuration
// has a few hundred conditionals and no chain of unary operators.
const (
	maxUnaryChain   = 256
	maxConditionals = 5_000
)

// checkNesting scans bytes, strings included (a bracket or operator in a
// string counts too, which only makes it stricter), comments skipped.
func checkNesting(data []byte, name string, limit int) error {
	depth, line, chain, conds := 0, 1, 0, 0
	var prev byte = '='
	for i := 0; i < len(data); i++ {
		c := data[i]
		// Comments (separator lines of dashes) are skipped.
		if c == '#' || c == '/' && i+1 < len(data) && data[i+1] == '/' {
			for i < len(data) && data[i] != '\n' {
				i++
			}
			line++
			continue
		}
		if c == '/' && i+1 < len(data) && data[i+1] == '*' {
			for i += 2; i < len(data) && !(data[i] == '*' && i+1 < len(data) && data[i+1] == '/'); i++ {
				if data[i] == '\n' {
					line++
				}
			}
			i++
			continue
		}
		switch c {
		case '\n':
			line++
		case '(', '[', '{':
			if depth++; depth > limit {
				return &srcErr{file: name, line: line, msg: fmt.Sprintf("brackets nested more than %d levels deep (limit)", limit)}
			}
		case ')', ']', '}':
			if depth > 0 {
				depth--
			}
		case '?':
			if conds++; conds > maxConditionals {
				return &srcErr{file: name, line: line, msg: fmt.Sprintf("more than %d conditionals in one file (limit)", maxConditionals)}
			}
		}
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			continue
		case (c == '!' || c == '-') && strings.IndexByte("=([{,?:!-+*/%<>&|", prev) >= 0:
			if chain++; chain > maxUnaryChain {
				return &srcErr{file: name, line: line, msg: fmt.Sprintf("more than %d unary operators in a row (limit)", maxUnaryChain)}
			}
		default:
			chain = 0
		}
		prev = c
	}
	return nil
}

// instrument routes the collection of every for expression through
// iterFunc and every value a for expression or template part produces
// through chargeFunc: hcl evaluates them without a hook, and they are
// how a few lines of configuration become gigabytes.
func instrument(body *hclsyntax.Body) {
	wrap := func(name string, x hclsyntax.Expression) hclsyntax.Expression {
		if x == nil {
			return nil
		}
		if _, lit := x.(*hclsyntax.LiteralValueExpr); lit {
			return x
		}
		return &hclsyntax.FunctionCallExpr{Name: name, Args: []hclsyntax.Expression{x}, NameRange: x.Range(), OpenParenRange: x.Range(), CloseParenRange: x.Range()}
	}
	hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
		switch x := n.(type) {
		case *hclsyntax.ForExpr:
			x.CollExpr = wrap(iterFunc, x.CollExpr)
			x.ValExpr = wrap(chargeFunc, x.ValExpr)
			x.KeyExpr = wrap(chargeFunc, x.KeyExpr)
		case *hclsyntax.TemplateExpr:
			if len(x.Parts) > 1 {
				for i, p := range x.Parts {
					x.Parts[i] = wrap(chargeFunc, p)
				}
			}
		}
		return nil
	})
}

func (pd *parsedDir) add(body *hclsyntax.Body) error {
	for _, b := range body.Blocks {
		switch b.Type {
		case "variable":
			if len(b.Labels) == 1 {
				if _, dup := pd.vars[b.Labels[0]]; dup {
					return errAt(b.TypeRange, "variable %q declared twice", b.Labels[0])
				}
				pd.vars[b.Labels[0]] = b
			}
		case "locals":
			for name, a := range b.Body.Attributes {
				if _, dup := pd.locals[name]; dup {
					return errAt(a.NameRange, "local %q declared twice", name)
				}
				pd.locals[name] = a
			}
		case "output":
			if len(b.Labels) == 1 {
				if a, ok := b.Body.Attributes["value"]; ok {
					pd.outputs[b.Labels[0]] = a
				}
			}
		case "module":
			if len(b.Labels) == 1 {
				if _, dup := pd.calls[b.Labels[0]]; dup {
					return errAt(b.TypeRange, "module %q declared twice", b.Labels[0])
				}
				pd.calls[b.Labels[0]] = b
				pd.callOrder = append(pd.callOrder, b.Labels[0])
			}
		case "resource", "data":
			if len(b.Labels) == 2 {
				key := b.Labels[0] + "." + b.Labels[1]
				if b.Type == "data" {
					key = "data." + key
				}
				if _, dup := pd.res[key]; dup {
					return errAt(b.TypeRange, "%s declared twice", key)
				}
				pd.res[key] = b
				pd.resOrder = append(pd.resOrder, key)
			}
		}
	}
	return nil
}

// CalledDirs returns the local module directories the .tf files of dir
// call (static "./" or "../" sources), for telling root modules from the
// modules they call when a directory tree is scanned. Files that do not
// parse call nothing here; reading them reports the error.
func CalledDirs(dir string) []string {
	files, _, _ := tfFiles(dir)
	var out []string
	for _, name := range files {
		data, err := regularfile.Read(name, DefaultMaxFileSize)
		if err != nil {
			continue
		}
		body, err := parseBody(data, name, DefaultLimits.Nesting)
		if err != nil {
			continue
		}
		for _, b := range body.Blocks {
			if b.Type != "module" {
				continue
			}
			if src, ok := literalSource(b); ok && isLocal(src) {
				out = append(out, filepath.Clean(filepath.Join(dir, src)))
			}
		}
	}
	return out
}

func literalSource(b *hclsyntax.Block) (string, bool) {
	a, ok := b.Body.Attributes["source"]
	if !ok {
		return "", false
	}
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() || v.Type() != cty.String || v.IsNull() || !v.IsKnown() {
		return "", false
	}
	return v.AsString(), true
}

func isLocal(src string) bool {
	return strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../") || src == "." || src == ".."
}
