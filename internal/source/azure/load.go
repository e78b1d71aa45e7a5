package azure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/regularfile"
	"github.com/bulwark-sec/bulwark/internal/source/azure/arm"
	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/azmodel"
	"github.com/bulwark-sec/bulwark/internal/source/azure/terraform"
	"github.com/bulwark-sec/bulwark/internal/source/azure/tfsource"
)

// Options control what Load reads.
type Options struct {
	// MaxFileSize is the largest file read, in bytes.
	MaxFileSize int64
	// Stdin is read for the path "-".
	Stdin io.Reader
	// Parameters are ARM deployment parameter files applied to every
	// template, later files winning (as with az deployment --parameters).
	Parameters []string
	// Exclude holds glob patterns (** for any depth) matched against each
	// path found in a directory and its base name.
	Exclude []string
	// Limits bound the run's work; zero fields take DefaultLimits.
	Limits Limits
	// Vars and VarFiles give the variables of Terraform root modules
	// (--var name=value, --var-file), after the module's own
	// terraform.tfvars and *.auto.tfvars.
	Vars, VarFiles []string
}

// DefaultMaxFileSize bounds one input file; plans of large estates run to
// tens of megabytes.
const DefaultMaxFileSize = 256 << 20

// Load reads files and directories (searched recursively for .json; "-"
// is standard input) and returns the clusters and registries they hold,
// whatever the format: `az aks show` / `az acr show` output, ARM GET
// responses and lists of them, ARM deployment templates (Bicep compiled
// with `az bicep build`), Terraform plan or state JSON, and the related
// documents that complete them (diagnostic settings, agent pools,
// maintenance configurations, role assignments).
func Load(ctx context.Context, paths []string, opt Options) (*Result, error) {
	if opt.MaxFileSize <= 0 {
		opt.MaxFileSize = DefaultMaxFileSize
	}
	for _, pat := range opt.Exclude {
		if !doublestar.ValidatePattern(filepath.ToSlash(pat)) {
			return nil, fmt.Errorf("--exclude %q: bad glob pattern", pat)
		}
	}
	res := &Result{}
	params, err := loadParameters(opt)
	if err != nil {
		return nil, err
	}
	b := azmodel.NewBuilder()
	bud := azmodel.NewBudget(opt.Limits)
	files, roots := collect(paths, opt.Exclude, res)
	plans := map[string]bool{}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if bud.Spent != nil {
			res.Errors = append(res.Errors, &Error{File: displayPath(f), Msg: "not read: a limit was reached on an earlier input (" + bud.Spent.Msg + ")"})
			continue
		}
		res.Files++
		data, err := readInput(f, opt)
		name := displayPath(f)
		if err != nil {
			res.Errors = append(res.Errors, &Error{File: name, Msg: err.Error()})
			continue
		}
		if loadFile(name, data, params, b, bud, res) && f != "-" {
			plans[filepath.Dir(f)] = true
		}
	}
	sources := 0
	for _, r := range roots {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !r.named && plans[r.dir] {
			res.Skipped = append(res.Skipped, Skipped{File: r.dir, Reason: "Terraform source beside a plan of it: the plan, which is exact, is read (name a .tf file of the directory to read the source)"})
			continue
		}
		loadSource(r.dir, opt, b, res)
		sources++
	}
	// Variables given for a source that is not read would be ignored
	// without a word, and the user would believe them applied.
	if sources == 0 && len(opt.Vars)+len(opt.VarFiles) > 0 {
		return nil, errors.New("--var and --var-file apply to Terraform source, and none was read (a plan beside its source is read instead: name a .tf file of the directory to read the source)")
	}
	b.Build(res)
	return res, nil
}

// loadSource evaluates a Terraform root module and maps its resources as
// a plan's. A module with an error is not judged at all: half of a
// configuration must not pass as the whole.
func loadSource(dir string, opt Options, b *azmodel.Builder, res *Result) {
	mod := tfsource.Read(dir, tfsource.Options{Vars: opt.Vars, VarFiles: opt.VarFiles, MaxFileSize: min(opt.MaxFileSize, tfsource.DefaultMaxFileSize)})
	res.Files += mod.Files
	res.Warnings = append(res.Warnings, mod.Warnings...)
	if len(mod.Errors) > 0 {
		res.Errors = append(res.Errors, mod.Errors...)
		return
	}
	if terraform.ReadSource(dir, mod.Resources, b, res) == 0 {
		res.Skipped = append(res.Skipped, Skipped{File: dir, Reason: "Terraform module without AKS clusters, node pools or container registries"})
	}
}

func displayPath(f string) string {
	if f == "-" {
		return "<stdin>"
	}
	return f
}

func readInput(name string, opt Options) ([]byte, error) {
	if name == "-" {
		if opt.Stdin == nil {
			return nil, fmt.Errorf("no standard input")
		}
		return readLimited(opt.Stdin, opt.MaxFileSize)
	}
	data, err := regularfile.Read(name, opt.MaxFileSize)
	var tl *regularfile.TooLargeError
	if errors.As(err, &tl) {
		return nil, fmt.Errorf("%w (see --max-file-size)", err)
	}
	return data, err
}

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d bytes (see --max-file-size)", limit)
	}
	return data, nil
}

// tfRoot is a Terraform root module to read; named when a .tf file of it
// was named on the command line.
type tfRoot struct {
	dir   string
	named bool
}

// collect expands directories into their JSON files, sorted, and the
// Terraform root modules they hold (directories of .tf files that no
// other directory found calls as a local module), skipping hidden
// directories. Bicep sources are reported: they must be compiled.
func collect(paths, exclude []string, res *Result) (out []string, roots []tfRoot) {
	seenRoot := map[string]bool{}
	addRoot := func(dir string, named bool) {
		if dir = filepath.Clean(dir); !seenRoot[dir] {
			seenRoot[dir] = true
			roots = append(roots, tfRoot{dir, named})
		}
	}
	for _, p := range paths {
		if p == "-" {
			out = append(out, p)
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			res.Errors = append(res.Errors, &Error{File: p, Msg: errText(err)})
			continue
		}
		if !st.IsDir() {
			if strings.EqualFold(filepath.Ext(p), ".tf") {
				addRoot(filepath.Dir(p), true)
				continue
			}
			if msg := needsCompiler(p); msg != "" {
				res.Errors = append(res.Errors, &Error{File: p, Msg: msg})
				continue
			}
			out = append(out, p)
			continue
		}
		var found, bicep, tfDirs []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				res.Errors = append(res.Errors, &Error{File: path, Msg: errText(err)})
				return nil
			}
			name := d.Name()
			if path != p && excluded(path, exclude) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path != p && (strings.HasPrefix(name, ".") || name == "node_modules") {
					return filepath.SkipDir
				}
				return nil
			}
			switch strings.ToLower(filepath.Ext(name)) {
			case ".json":
				found = append(found, path)
			case ".bicep":
				bicep = append(bicep, path)
			case ".tf":
				if dir := filepath.Dir(path); len(tfDirs) == 0 || tfDirs[len(tfDirs)-1] != dir {
					tfDirs = append(tfDirs, dir)
				}
			}
			return nil
		})
		if err != nil {
			res.Errors = append(res.Errors, &Error{File: p, Msg: errText(err)})
		}
		sort.Strings(found)
		out = append(out, found...)
		// Bicep sources need compiling; beside compiled JSON (main.bicep
		// and main.json, modules compiled into it) they are not news.
		for _, b := range bicep {
			dir := filepath.Dir(b)
			compiled := slices.ContainsFunc(found, func(f string) bool { return filepath.Dir(f) == dir })
			if !compiled {
				res.Skipped = append(res.Skipped, Skipped{File: b, Reason: "Bicep source: compile it to an ARM template (az bicep build --file " + filepath.Base(b) + ") and scan the JSON"})
			}
		}
		// Modules called by another directory found are read through
		// the call, with its inputs, not as roots.
		called := map[string]bool{}
		for _, d := range tfDirs {
			for _, c := range tfsource.CalledDirs(d) {
				called[c] = true
			}
		}
		for _, d := range tfDirs {
			if !called[filepath.Clean(d)] {
				addRoot(d, false)
			}
		}
	}
	return out, roots
}

// needsCompiler says how to turn a source file that only its own tool can
// evaluate into JSON Bulwark reads; "" for anything else. Read as JSON it
// would only be "not JSON".
func needsCompiler(p string) string {
	q := shellQuote(p)
	switch strings.ToLower(filepath.Ext(p)) {
	case ".bicep":
		return "a Bicep file needs Microsoft's compiler, which Bulwark does not embed: scan its ARM template with `az bicep build --file " + q + " --stdout | bulwark scan aks -`"
	}
	return ""
}

// shellQuote quotes p for a POSIX shell when it needs it.
func shellQuote(p string) string {
	if p != "" && strings.IndexFunc(p, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return p
	}
	return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
}

func excluded(p string, patterns []string) bool {
	slash, base := filepath.ToSlash(filepath.Clean(p)), filepath.Base(p)
	for _, pat := range patterns {
		pat = filepath.ToSlash(pat)
		if ok, _ := doublestar.Match(pat, slash); ok {
			return true
		}
		if ok, _ := doublestar.Match(pat, base); ok {
			return true
		}
	}
	return false
}

// errText drops the path from file errors: the report names the file.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// format is what a JSON document is.
type format int

const (
	formatUnknown format = iota
	formatResource
	formatTemplate
	formatParameters
	formatPlan
)

// detect tells the formats apart by their top-level keys.
func detect(v any) format {
	m, ok := v.(map[string]any)
	if !ok {
		if _, isList := v.([]any); isList {
			return formatResource
		}
		return formatUnknown
	}
	schemaURL, _ := azmodel.LookupString(m, "$schema")
	switch {
	case strings.Contains(strings.ToLower(schemaURL), "deploymentparameters"):
		return formatParameters
	case strings.Contains(strings.ToLower(schemaURL), "deploymenttemplate"):
		return formatTemplate
	case azmodel.Has(m, "resources") && azmodel.Has(m, "contentVersion"):
		return formatTemplate
	case azmodel.Has(m, "format_version") && (azmodel.Has(m, "planned_values") || azmodel.Has(m, "resource_changes") || azmodel.Has(m, "values")):
		return formatPlan
	case azmodel.Has(m, "type"), azmodel.Has(m, "value"), azmodel.Has(m, "data"):
		return formatResource
	}
	return formatUnknown
}

// loadFile parses one file and hands each of its documents to the reader
// of its format. A limit reached while reading the file is an error at
// the line it was reached on, and what the file had added is withdrawn:
// a half-evaluated template must not be judged as if it were whole.
func loadFile(file string, data []byte, params map[string]any, b *azmodel.Builder, bud *azmodel.Budget, res *Result) (plan bool) {
	before, gapsBefore, docsBefore := len(b.All), len(b.Gaps), res.Documents
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		b.All, b.Gaps, res.Documents = b.All[:before], b.Gaps[:gapsBefore], docsBefore
		if le, ok := r.(*azmodel.LimitError); ok {
			res.Errors = append(res.Errors, &Error{File: file, Line: le.Line, Msg: le.Msg})
			return
		}
		// A fault of ours: the file is not judged, and the message
		// carries no input (it could be a secret).
		msg := "internal error while reading this file; please report it"
		if re, ok := r.(runtime.Error); ok {
			msg += " (" + re.Error() + ")"
		}
		res.Errors = append(res.Errors, &Error{File: file, Line: bud.Line, Msg: msg})
	}()
	bud.Line = 0
	docs, err := azmodel.ParseJSONDocs(data, bud, true)
	if err != nil {
		res.Errors = append(res.Errors, azmodel.FileErr(file, err))
		// Documents before the error are read: the error fails the run.
	}
	for _, doc := range docs {
		if loadDocument(file, doc, params, b, bud, res) == formatPlan {
			plan = true
		}
	}
	return plan
}

// loadDocument hands one JSON document to the reader of its format.
func loadDocument(file string, doc azmodel.JSONDoc, params map[string]any, b *azmodel.Builder, bud *azmodel.Budget, res *Result) format {
	d := &azmodel.Document{File: file, Value: doc.Value, Pm: doc.Pm, At: doc.At, Budget: bud}
	f := detect(doc.Value)
	switch f {
	case formatResource:
		azmodel.ReadResources(d, b, res)
	case formatTemplate:
		root, err := azmodel.ParseOne(doc.Data, doc.Line, doc.Col)
		if err != nil {
			res.Errors = append(res.Errors, azmodel.FileErr(file, err))
			return f
		}
		d.Root = root
		arm.ReadTemplate(d, params, b, res)
	case formatPlan:
		terraform.ReadPlan(d, b, res)
	case formatParameters:
		res.Skipped = append(res.Skipped, Skipped{File: file, Line: doc.At.Line, Reason: "ARM deployment parameters: pass the file with --parameters"})
	default:
		res.Skipped = append(res.Skipped, Skipped{File: file, Line: doc.At.Line, Reason: "not an Azure resource, ARM template or Terraform plan"})
	}
	return f
}

// loadParameters reads --parameters files: {"parameters": {"x": {"value": ...}}}.
func loadParameters(opt Options) (out map[string]any, err error) {
	if len(opt.Parameters) == 0 {
		return nil, nil
	}
	defer func() {
		if le, ok := recover().(*azmodel.LimitError); ok {
			out, err = nil, fmt.Errorf("--parameters: line %d: %s", le.Line, le.Msg)
		}
	}()
	out = map[string]any{}
	for _, f := range opt.Parameters {
		data, err := readInput(f, opt)
		if err != nil {
			return nil, fmt.Errorf("--parameters %s: %w", f, err)
		}
		doc, err := azmodel.ParseJSON(data, azmodel.NewBudget(opt.Limits))
		if err != nil {
			return nil, fmt.Errorf("--parameters %s: %w", f, azmodel.FileErr(f, err))
		}
		m, _ := doc.Value.(map[string]any)
		ps, ok := aksmodel.Lookup(m, "parameters")
		pmap, isMap := ps.(map[string]any)
		if !ok || !isMap {
			return nil, fmt.Errorf("--parameters %s: no \"parameters\" object", f)
		}
		for name, pv := range pmap {
			obj, _ := pv.(map[string]any)
			val, ok := aksmodel.Lookup(obj, "value")
			if !ok {
				if _, ref := aksmodel.Lookup(obj, "reference"); ref {
					// Key Vault references resolve at deployment.
					out[strings.ToLower(name)] = arm.Unknown("a Key Vault reference in " + f)
				}
				continue
			}
			out[strings.ToLower(name)] = val
		}
	}
	return out, nil
}
