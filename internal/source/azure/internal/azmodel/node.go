package azmodel

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxDepth bounds nesting in input documents; real ARM and plan JSON stays
// far below it.
const MaxDepth = 256

// lineError is a problem at a line of an input file.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return e.msg }

// ParseJSON parses a file that must hold one JSON document (a
// parameters file).
func ParseJSON(data []byte, b *Budget) (JSONDoc, error) {
	docs, err := ParseJSONDocs(data, b, false)
	if err != nil {
		return JSONDoc{}, err
	}
	if len(docs) > 1 {
		return JSONDoc{}, &lineError{docs[1].Line, "more than one JSON document in the file"}
	}
	return docs[0], nil
}

// ParseJSONDocs parses the JSON documents of a file, keeping positions
// when asked: one, or several one after the other (`az aks show >>
// all.json`, JSON lines), each an object or an array. Anything else after
// a document is an error at its line, never dropped; the documents before
// it are returned with the error.
//
// The values of each document are counted against b before it is
// parsed: a parsed value costs some hundred bytes, so a document of too
// many is refused before it takes the memory.
func ParseJSONDocs(data []byte, b *Budget, positions bool) ([]JSONDoc, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // az on Windows writes a BOM
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &lineError{1, "empty document"}
	}
	var docs []JSONDoc
	line, col, i, prevEnd := 1, 1, 0, 0
	for {
		// Skip whitespace, counting lines.
		for i < len(data) && isJSONSpace(data[i]) {
			if data[i] == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
			i++
		}
		if i == len(data) {
			return docs, nil
		}
		if data[i] != '{' && data[i] != '[' {
			if len(docs) == 0 {
				return nil, &lineError{line, "not JSON: want an object or an array"}
			}
			return nil, &lineError{line, fmt.Sprintf("invalid JSON: %q after the document that ends on line %d", Truncate(string(bytes.TrimSpace(data[i:min(len(data), i+20)])), 16), prevEnd)}
		}
		end, endLine, endCol, values := jsonValueEnd(data, i, line, col)
		b.At(line)
		b.addValues(values)
		if c := data[end-1]; end == len(data) && c != '}' && c != ']' {
			// Parse it anyway: a syntax error inside says more.
			p := &jsonParser{data: data[:end], i: i, line: line, col: col}
			if _, err := p.value(RootNode, 0); err != nil && p.i < end {
				return docs, err
			}
			return docs, &lineError{line, "invalid JSON: the document that starts here is never closed"}
		}
		p := &jsonParser{data: data[:end], i: i, line: line, col: col}
		if positions {
			p.pm = NewPosIndex()
		}
		v, err := p.value(RootNode, 0)
		if err != nil {
			return docs, err
		}
		if p.space(); p.i != end {
			return docs, p.errf("unexpected data after the document")
		}
		docs = append(docs, JSONDoc{Value: v, Pm: p.pm, At: Pos{line, col}, Data: data[i:end], Line: line, Col: col})
		i, line, col, prevEnd = end, endLine, endCol, endLine
	}
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// jsonValueEnd finds where the object or array starting at data[i] ends
// (the whole rest when it never closes: the parser then says why), the
// line and column there, and about how many values it holds.
func jsonValueEnd(data []byte, i, line, col int) (int, int, int, int64) {
	depth, inString, escaped := 0, false, false
	values := int64(1)
	for ; i < len(data); i++ {
		c := data[i]
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			values++
		case c == ',':
			values++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return i + 1, line, col, values
			}
		}
	}
	return len(data), line, col, values
}

// ParseOne parses one document that starts at line and col of the file
// into a tree with positions, for the template evaluator: JSON is YAML,
// and go.yaml.in/yaml/v3 records the line and column of every node.
func ParseOne(data []byte, line, col int) (*yaml.Node, error) {
	var root yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&root); err != nil {
		err := yamlErr(err)
		if le, ok := err.(*lineError); ok && le.line > 0 {
			le.line += line - 1
		}
		return nil, err
	}
	n := &root
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		n = root.Content[0]
	}
	if line > 1 || col > 1 {
		shift(n, line-1, col-1, 0)
	}
	return n, nil
}

// shift moves the positions of a document parsed on its own to where it
// is in the file.
func shift(n *yaml.Node, lines, cols, depth int) {
	if depth > MaxDepth+1 {
		return
	}
	if n.Line == 1 {
		n.Column += cols
	}
	n.Line += lines
	for _, c := range n.Content {
		shift(c, lines, cols, depth+1)
	}
}

func yamlErr(err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	// "line 12: did not find expected ',' or '}'"
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, convErr := strconv.Atoi(rest[:i]); convErr == nil {
				return &lineError{n, "invalid JSON: " + strings.TrimSpace(rest[i+1:])}
			}
		}
	}
	return &lineError{0, "invalid JSON: " + msg}
}

// Pos is a line and column.
type Pos struct{ Line, Col int }

func Scalar(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		return n.Value == "true", nil
	case "!!int", "!!float":
		f, err := strconv.ParseFloat(n.Value, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			if i, ierr := strconv.ParseInt(n.Value, 0, 64); ierr == nil {
				return float64(i), nil
			}
			return nil, &lineError{n.Line, fmt.Sprintf("bad number %q", n.Value)}
		}
		return f, nil
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0 {
		return nil, &lineError{n.Line, fmt.Sprintf("invalid JSON: unquoted value %q", n.Value)}
	}
	return n.Value, nil
}

// SegKey normalizes a path given as segments: lower case (ARM names are
// case-insensitive), list indexes as #N, joined by an unprintable
// separator so that keys with dots stay whole.
func SegKey(segs []string) string {
	return strings.ToLower(strings.Join(segs, "\x1f"))
}

// splitFieldPath parses a field path as printed by field.Path
// (properties.agentPoolProfiles[1].enableFIPS, addonProfiles[omsagent])
// into segments, indexes as #N.
func splitFieldPath(p string) []string {
	var segs []string
	for len(p) > 0 {
		switch p[0] {
		case '.':
			p = p[1:]
		case '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return append(segs, p[1:])
			}
			inner := p[1:end]
			if _, err := strconv.Atoi(inner); err == nil {
				inner = "#" + inner
			}
			segs = append(segs, inner)
			p = p[end+1:]
		default:
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			segs = append(segs, p[:end])
			p = p[end:]
		}
	}
	return segs
}
