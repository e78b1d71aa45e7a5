package azure

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxDepth bounds nesting in input documents; real ARM and plan JSON stays
// far below it.
const maxDepth = 256

// lineError is a problem at a line of an input file.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return e.msg }

// parseJSON parses a JSON document keeping positions. JSON is YAML, and
// go.yaml.in/yaml/v3 records the line and column of every node.
func parseJSON(data []byte) (*yaml.Node, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // az on Windows writes a BOM
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, &lineError{1, "empty document"}
	}
	if trimmed[0] != '{' && trimmed[0] != '[' {
		return nil, &lineError{1, "not JSON: want an object or an array"}
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		return nil, yamlErr(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &lineError{extra.Line, "more than one JSON document in the file"}
	}
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		return root.Content[0], nil
	}
	return &root, nil
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

// pos is a line and column.
type pos struct{ line, col int }

// posMap maps a normalized path (see segKey) to where it starts.
type posMap map[string]pos

// toValue converts a node to plain Go values (map[string]any, []any,
// string, bool, float64, nil), recording positions under prefix.
func toValue(n *yaml.Node, prefix []string, pm posMap, depth int) (any, error) {
	if depth > maxDepth {
		return nil, &lineError{n.Line, "document nested too deeply"}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return toValue(n.Content[0], prefix, pm, depth+1)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return nil, &lineError{k.Line, "object key is not a string"}
			}
			if _, dup := m[k.Value]; dup {
				return nil, &lineError{k.Line, fmt.Sprintf("duplicate key %q", k.Value)}
			}
			p := append(prefix[:len(prefix):len(prefix)], k.Value)
			if pm != nil {
				pm[segKey(p)] = pos{k.Line, k.Column}
			}
			val, err := toValue(v, p, pm, depth+1)
			if err != nil {
				return nil, err
			}
			m[k.Value] = val
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			p := append(prefix[:len(prefix):len(prefix)], "#"+strconv.Itoa(i))
			if pm != nil {
				pm[segKey(p)] = pos{item.Line, item.Column}
			}
			val, err := toValue(item, p, pm, depth+1)
			if err != nil {
				return nil, err
			}
			s = append(s, val)
		}
		return s, nil
	case yaml.ScalarNode:
		return scalar(n)
	case yaml.AliasNode:
		return nil, &lineError{n.Line, "YAML aliases are not JSON"}
	}
	return nil, nil
}

func scalar(n *yaml.Node) (any, error) {
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

// segKey normalizes a path given as segments: lower case (ARM names are
// case-insensitive), list indexes as #N, joined by an unprintable
// separator so that keys with dots stay whole.
func segKey(segs []string) string {
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
