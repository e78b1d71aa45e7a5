package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kjson "sigs.k8s.io/json"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// Error is an input problem at a place in a file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Skipped is a document that is not a Kubernetes object.
type Skipped struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// NotAssessed is an object that was read but that no check judges beyond
// its apiVersion: Bulwark has no type for its kind and it carries no pod
// template. Listed, never counted as passed.
type NotAssessed struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	File       string `json:"file"`
	Line       int    `json:"line"`
	Reason     string `json:"reason"`
}

// Parsed is what one file holds.
type Parsed struct {
	// Objects are all objects read, NotAssessed included.
	Objects     []*inventory.Object
	Documents   int
	Skipped     []Skipped
	NotAssessed []NotAssessed
	Errors      []*Error

	bytes int64 // read from the file
	// buf is the JSON of the object being decoded, reused from one object
	// to the next of a piece: the decoded objects copy what they keep.
	buf []byte
}

// parserProblems are go-yaml's parser error messages (parserc.go), whose
// line is the start of the collection being parsed.
var parserProblems = map[string]bool{
	"did not find expected node content":  true,
	"did not find expected '-' indicator": true,
	"did not find expected key":           true,
	"did not find expected ',' or ']'":    true,
	"did not find expected ',' or '}'":    true,
	"found undefined tag handle":          true,
}

var yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse reads every document of one file. A syntax error stops the file
// (the rest cannot be framed reliably) but keeps the documents before it;
// a document that parses but does not decode is reported and skipped.
// The file is a run of its own: Load shares one expansion budget between
// all the files it reads.
func Parse(file string, data []byte, lim Limits) Parsed {
	return parse(file, data, newBudget(lim))
}

func parse(file string, data []byte, b *budget) Parsed {
	b.read(len(data))
	pieces := splitDocuments(data, splitSize, runtime.GOMAXPROCS(0))
	if len(pieces) == 1 {
		p, _ := parsePiece(file, data, pieces[0], b)
		return p
	}
	// A large file (rendered Helm output on stdin, a bundle of CRDs) is
	// parsed in pieces on every core: parsing is most of a scan's time.
	parts := make([]Parsed, len(pieces))
	broken := make([]bool, len(pieces))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(pieces)) {
		wg.Go(func() {
			for i := range next {
				parts[i], broken[i] = parsePiece(file, data, pieces[i], b)
			}
		})
	}
	for i := range pieces {
		next <- i
	}
	close(next)
	wg.Wait()
	var p Parsed
	for i, part := range parts {
		p.Objects = append(p.Objects, part.Objects...)
		p.Documents += part.Documents
		p.Skipped = append(p.Skipped, part.Skipped...)
		p.NotAssessed = append(p.NotAssessed, part.NotAssessed...)
		p.Errors = append(p.Errors, part.Errors...)
		if broken[i] {
			break // as when read in one piece: a syntax error ends the file
		}
	}
	return p
}

// splitSize is the size from which a file is parsed in pieces.
var splitSize = 4 << 20

// piece is a run of whole documents of a file: data[start:end], which
// begins after line lines.
type piece struct{ start, end, line int }

// splitDocuments cuts data into up to 4×workers pieces of whole documents,
// at document markers: a line "---" at column 0 ends any scalar or
// collection (YAML 1.2, c-forbidden), so the pieces parse as the whole
// would. A marker right after a directive (%YAML) is not cut at.
func splitDocuments(data []byte, minSize, workers int) []piece {
	n := min(4*workers, len(data)/max(minSize/4, 1))
	if len(data) < minSize || n < 2 {
		return []piece{{0, len(data), 0}}
	}
	var out []piece
	start, line := 0, 0
	for k := 1; k < n; k++ {
		cut := documentStart(data, max(start+1, k*len(data)/n))
		if cut < 0 {
			break
		}
		if cut <= start {
			continue
		}
		out = append(out, piece{start, cut, line})
		line += bytes.Count(data[start:cut], []byte{'\n'})
		start = cut
	}
	return append(out, piece{start, len(data), line})
}

// documentStart finds the first "---" marker line at or after from that
// does not follow a directive, or -1.
func documentStart(data []byte, from int) int {
	for i := from; i < len(data); {
		j := bytes.Index(data[i:], []byte("\n---"))
		if j < 0 {
			return -1
		}
		at := i + j + 1
		i = at
		if end := at + 3; end < len(data) && !strings.ContainsRune(" \t\r\n", rune(data[end])) {
			continue // "---x" is a scalar, not a marker
		}
		prev := bytes.LastIndexByte(data[:at-1], '\n') + 1
		if data[prev] == '%' {
			continue
		}
		return at
	}
	return -1
}

// parsePiece parses the documents of one piece of a file; broken is true
// when a syntax error stopped it. Each document is measured before the
// YAML parser builds its node tree, which costs far more per node than a
// node costs in input: see maxNodes.
func parsePiece(file string, all []byte, pc piece, b *budget) (p Parsed, broken bool) {
	defer func() { p.buf = nil }() // not held with the results
	if !bytes.Contains(all[pc.start:pc.end], []byte("&")) && !denseDocument(all, pc) {
		// The usual case: one parser for the whole piece, rather than one
		// per document, each with its buffers and token queue. Only
		// without anchors: go-yaml keeps a stream's anchors from one
		// document to the next, where YAML scopes them to their document.
		return p, p.decode(file, all, all[pc.start:pc.end], pc.line, b)
	}
	line := pc.line
	for start := pc.start; start < pc.end; {
		end := documentStart(all, start+1)
		if end < 0 || end > pc.end {
			end = pc.end
		}
		doc := all[start:end]
		if n, limit := estimateNodes(doc), maxNodes(len(doc)); n > limit {
			at := line + 1
			if bytes.HasPrefix(doc, []byte("---")) {
				at++ // the document starts after its marker
			}
			p.Errors = append(p.Errors, &Error{file, at, fmt.Sprintf(
				"document of %s holds about %d YAML nodes, more than the %d allowed for its size (%d plus one per %d bytes): parsing it would take memory out of proportion to the input",
				humanBytes(int64(len(doc))), n, limit, nodeFloor, bytesPerNode)})
		} else if broken = p.decode(file, all, doc, line, b); broken {
			return p, true
		}
		line += bytes.Count(doc, []byte{'\n'})
		start = end
	}
	return p, false
}

// denseDocument reports whether a document of the piece is too dense to
// parse (see maxNodes).
func denseDocument(all []byte, pc piece) bool {
	for start := pc.start; start < pc.end; {
		end := documentStart(all, start+1)
		if end < 0 || end > pc.end {
			end = pc.end
		}
		doc := all[start:end]
		if estimateNodes(doc) > maxNodes(len(doc)) {
			return true
		}
		start = end
	}
	return false
}

// The YAML parser's node tree takes about 150 bytes per node, 300 at the
// garbage collector's peak, and a node can take as little as two bytes of
// input ("1,"). Ordinary manifests have a node per 15 bytes or so, pretty-
// printed JSON fewer; a document denser than one node per bytesPerNode
// bytes, beyond nodeFloor nodes, is refused before it is parsed.
const (
	nodeFloor    = 256 << 10
	bytesPerNode = 8
)

func maxNodes(size int) int { return nodeFloor + size/bytesPerNode }

// estimateNodes bounds the nodes of a YAML or JSON text from above, give or
// take: every node but the first is separated from the one before by a
// comma, a line break or a colon.
func estimateNodes(doc []byte) int {
	n := 1
	for _, c := range doc {
		switch c {
		case ',', '\n', ':':
			n++
		}
	}
	return n
}

// decode parses the documents of data (one, or more after a bare "...")
// that begins after line lines of the file.
func (p *Parsed) decode(file string, all, data []byte, line int, b *budget) (broken bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return false
		}
		if err != nil {
			e := syntaxError(file, all, err)
			if e.Line > 0 {
				e.Line += line
			}
			p.Errors = append(p.Errors, e)
			return true
		}
		if line > 0 {
			shiftLines(&doc, line)
		}
		p.Documents++
		p.document(file, &doc, b)
	}
}

// shiftLines moves a piece's nodes to their lines in the whole file.
// Anchored nodes are reached once, through Content, never through Alias.
func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

func syntaxError(file string, data []byte, err error) *Error {
	e := &Error{File: file, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	if m := yamlLineErr.FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = m[2]
		// go-yaml prints parser (not scanner) errors with a 0-based line.
		if parserProblems[e.Msg] {
			e.Line++
		}
	}
	if bytes.Contains(data, []byte("{{")) {
		e.Msg += " (this looks like a Helm or Go template: render it first, e.g. `helm template . | bulwark scan manifests -`)"
	}
	return e
}

func (p *Parsed) document(file string, doc *yaml.Node, b *budget) {
	if len(doc.Content) == 0 {
		return // an empty document, e.g. a trailing "---"
	}
	root := doc.Content[0]
	root = deref(root)
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return // a document holding only comments
	}
	if root.Kind != yaml.MappingNode {
		p.Skipped = append(p.Skipped, Skipped{file, root.Line, "not a mapping"})
		return
	}
	apiVersion, kind := scalarField(root, "apiVersion"), scalarField(root, "kind")
	if apiVersion == "" || kind == "" {
		p.Skipped = append(p.Skipped, Skipped{file, root.Line, "no apiVersion and kind"})
		return
	}
	if strings.HasSuffix(kind, "List") && apiVersion == "v1" {
		items := mappingValue(root, "items")
		if items == nil || items.Kind != yaml.SequenceNode {
			if items != nil && !(items.Kind == yaml.ScalarNode && items.ShortTag() == "!!null") {
				p.Errors = append(p.Errors, &Error{file, root.Line, kind + ": items is not a list"})
			}
			return
		}
		for _, item := range items.Content {
			p.object(file, item, b)
		}
		return
	}
	p.object(file, root, b)
}

func (p *Parsed) object(file string, n *yaml.Node, b *budget) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		p.Skipped = append(p.Skipped, Skipped{file, n.Line, "list item is not a mapping"})
		return
	}
	apiVersion, kind := scalarField(n, "apiVersion"), scalarField(n, "kind")
	if apiVersion == "" || kind == "" {
		p.Skipped = append(p.Skipped, Skipped{file, n.Line, "no apiVersion and kind"})
		return
	}
	c := converter{limits: b.lim, budget: b, buf: p.buf[:0]}
	defer func() { p.buf = c.buf }()
	if err := c.value(n, 0); err != nil {
		var ne *nodeError
		if errors.As(err, &ne) {
			p.Errors = append(p.Errors, &Error{file, ne.line, ne.msg})
		} else {
			p.Errors = append(p.Errors, &Error{file, n.Line, err.Error()})
		}
		return
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		p.Errors = append(p.Errors, &Error{file, n.Line, fmt.Sprintf("%s: bad apiVersion %q: %v", kind, apiVersion, err)})
		return
	}
	if msg := unservedKind(gv, kind); msg != "" {
		p.Errors = append(p.Errors, &Error{file, n.Line, fmt.Sprintf("%s %q: %s", kind, scalarPath(n, "metadata", "name"), msg)})
		return
	}
	typed, meta := typedKind(gv.Group, kind)
	target := typed
	if typed == nil {
		pm := &metav1.PartialObjectMetadata{}
		target, meta = pm, &pm.ObjectMeta
	}
	if err := kjson.UnmarshalCaseSensitivePreserveInts(c.buf, target); err != nil {
		p.Errors = append(p.Errors, &Error{file, n.Line, fmt.Sprintf("%s %q: %s", kind, scalarPath(n, "metadata", "name"), decodeMessage(err))})
		return
	}
	if typed == nil {
		if tw, reason := templateWorkload(c.buf, kind, gv.Group); tw != nil {
			typed = tw
		} else {
			p.NotAssessed = append(p.NotAssessed, NotAssessed{APIVersion: apiVersion, Kind: kind, Namespace: meta.Namespace,
				Name: meta.Name, File: file, Line: n.Line, Reason: reason})
		}
	}
	tm := metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
	loc := finding.Location{File: file, Line: n.Line, Column: n.Column}
	obj := inventory.NewObject(tm, meta, typed, loc, n)
	applyDefaults(obj)
	p.Objects = append(p.Objects, obj)
}

// decodeMessage strips Go type names, which mean nothing to a YAML author,
// down to the field and the mismatch.
func decodeMessage(err error) string {
	var te *jsonTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %s: cannot use a %s here (want %s)", te.Field, te.Value, te.Type)
	}
	return "cannot decode: " + err.Error()
}

func scalarField(m *yaml.Node, key string) string {
	v := mappingValue(m, key)
	if v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Value
}

func scalarPath(m *yaml.Node, keys ...string) string {
	for i, k := range keys {
		v := mappingValue(m, k)
		if v == nil {
			return ""
		}
		if i == len(keys)-1 {
			if v.Kind == yaml.ScalarNode {
				return v.Value
			}
			return ""
		}
		m = v
	}
	return ""
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	m = deref(m)
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			v = deref(v)
			return v
		}
	}
	return nil
}

// templateWorkload finds the pod template of an object of a kind Bulwark
// has no type for (js is the object as JSON) where a Deployment or a
// CronJob has it: any such kind, a custom resource or not, is a workload
// its controller will run, and the checks judge it through the template.
// Without one it says why the object is not assessed.
func templateWorkload(js []byte, kind, group string) (*inventory.TemplateWorkload, string) {
	what := fmt.Sprintf("Bulwark has no checks for kind %s", kind)
	if group != "" {
		what += " of " + group
	}
	var shape struct {
		Spec struct {
			Template    json.RawMessage `json:"template"`
			JobTemplate struct {
				Spec struct {
					Template json.RawMessage `json:"template"`
				} `json:"spec"`
			} `json:"jobTemplate"`
		} `json:"spec"`
	}
	if err := kjson.UnmarshalCaseSensitivePreserveInts(js, &shape); err != nil {
		return nil, what + " and it has no pod template (spec is not a mapping)"
	}
	for _, c := range []struct {
		raw      []byte
		path, as string
	}{
		{shape.Spec.Template, "spec.template", "Deployment"},
		{shape.Spec.JobTemplate.Spec.Template, "spec.jobTemplate.spec.template", "CronJob"},
	} {
		if len(c.raw) == 0 || string(c.raw) == "null" {
			continue
		}
		tw := &inventory.TemplateWorkload{As: c.as}
		if err := kjson.UnmarshalCaseSensitivePreserveInts(c.raw, &tw.Template); err != nil {
			return nil, fmt.Sprintf("%s and its %s is not a pod template (%s)", what, c.path, decodeMessage(err))
		}
		if len(tw.Template.Spec.Containers) == 0 {
			return nil, fmt.Sprintf("%s and its %s has no containers", what, c.path)
		}
		return tw, ""
	}
	return nil, what + " and it has no pod template at spec.template or spec.jobTemplate.spec.template"
}
