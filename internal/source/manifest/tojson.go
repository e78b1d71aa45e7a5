package manifest

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Limits bound the work one document may cause.
type Limits struct {
	// MaxDepth is the deepest nesting of mappings and lists accepted.
	MaxDepth int
	// MaxNodes bounds the nodes visited while expanding one document,
	// counting every alias expansion: the defence against YAML bombs.
	MaxNodes int
}

// DefaultLimits are far above what real manifests (CRDs with OpenAPI
// schemas included) need, and far below what hurts.
var DefaultLimits = Limits{MaxDepth: 128, MaxNodes: 2_000_000}

var errTooBig = errors.New("document expands beyond the node limit (alias expansion, a \"YAML bomb\"?)")

// converter writes a YAML node tree as JSON, the form the Kubernetes API
// types decode from. Doing it straight from the node tree, without an
// intermediate map, keeps the cost close to one parse.
type converter struct {
	buf    []byte
	nodes  int
	limits Limits
}

// nodeError carries the line of the node that could not be converted.
type nodeError struct {
	line int
	msg  string
}

func (e *nodeError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func (c *converter) value(n *yaml.Node, depth int) error {
	c.nodes++
	if c.nodes > c.limits.MaxNodes {
		return &nodeError{n.Line, errTooBig.Error()}
	}
	if depth > c.limits.MaxDepth {
		return &nodeError{n.Line, fmt.Sprintf("nesting deeper than %d levels", c.limits.MaxDepth)}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			c.buf = append(c.buf, "null"...)
			return nil
		}
		return c.value(n.Content[0], depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			return &nodeError{n.Line, "unknown alias"}
		}
		return c.value(n.Alias, depth+1)
	case yaml.MappingNode:
		return c.mapping(n, depth)
	case yaml.SequenceNode:
		c.buf = append(c.buf, '[')
		for i, item := range n.Content {
			if i > 0 {
				c.buf = append(c.buf, ',')
			}
			if err := c.value(item, depth+1); err != nil {
				return err
			}
		}
		c.buf = append(c.buf, ']')
		return nil
	case yaml.ScalarNode:
		c.scalar(n)
		return nil
	}
	return &nodeError{n.Line, "unsupported YAML node"}
}

func (c *converter) mapping(n *yaml.Node, depth int) error {
	if simple, err := c.simpleMapping(n, depth); simple || err != nil {
		return err
	}
	keys, vals, err := c.entries(n, depth)
	if err != nil {
		return err
	}
	c.buf = append(c.buf, '{')
	for i := range keys {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		c.buf = appendJSONString(c.buf, keys[i])
		c.buf = append(c.buf, ':')
		if err := c.value(vals[i], depth+1); err != nil {
			return err
		}
	}
	c.buf = append(c.buf, '}')
	return nil
}

// simpleMapping writes the common mapping, small and without merge keys,
// straight from the node with no intermediate slices or maps: the loader
// spends most of its allocations here otherwise. It reports false, having
// written nothing, for mappings that need entries.
func (c *converter) simpleMapping(n *yaml.Node, depth int) (bool, error) {
	const maxSimple = 32
	if len(n.Content) > 2*maxSimple {
		return false, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" {
			return false, nil
		}
		for j := 0; j < i; j += 2 {
			if n.Content[j].Value == k.Value {
				return true, &nodeError{k.Line, fmt.Sprintf("duplicate key %q", k.Value)}
			}
		}
	}
	c.buf = append(c.buf, '{')
	for i := 0; i+1 < len(n.Content); i += 2 {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		c.buf = appendJSONString(c.buf, n.Content[i].Value)
		c.buf = append(c.buf, ':')
		if err := c.value(n.Content[i+1], depth+1); err != nil {
			return true, err
		}
	}
	c.buf = append(c.buf, '}')
	return true, nil
}

// entries resolves merge keys (<<) and rejects duplicate keys: two
// securityContext keys in one mapping are read differently by different
// parsers, which is exactly how a setting hides from review.
func (c *converter) entries(n *yaml.Node, depth int) (keys []string, vals []*yaml.Node, err error) {
	seen := make(map[string]int, len(n.Content)/2)
	var merged []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merged = append(merged, v)
			continue
		}
		key, err := keyString(k)
		if err != nil {
			return nil, nil, err
		}
		if _, dup := seen[key]; dup {
			return nil, nil, &nodeError{k.Line, fmt.Sprintf("duplicate key %q", key)}
		}
		seen[key] = len(keys)
		keys = append(keys, key)
		vals = append(vals, v)
	}
	// Keys written in the mapping win over merged ones; earlier merge
	// sources win over later ones, as the YAML merge spec says.
	for _, m := range merged {
		m = deref(m)
		var sources []*yaml.Node
		switch m.Kind {
		case yaml.MappingNode:
			sources = []*yaml.Node{m}
		case yaml.SequenceNode:
			sources = m.Content
		default:
			return nil, nil, &nodeError{m.Line, "merge key (<<) needs a mapping or a list of mappings"}
		}
		for _, src := range sources {
			// Every merged source costs its size: merges of merges of
			// aliases are the other way to build a bomb.
			c.nodes += 1 + len(src.Content)
			if c.nodes > c.limits.MaxNodes {
				return nil, nil, &nodeError{src.Line, errTooBig.Error()}
			}
			src = deref(src)
			if src.Kind != yaml.MappingNode {
				return nil, nil, &nodeError{src.Line, "merge key (<<) needs a mapping or a list of mappings"}
			}
			if depth > c.limits.MaxDepth {
				return nil, nil, &nodeError{src.Line, fmt.Sprintf("nesting deeper than %d levels", c.limits.MaxDepth)}
			}
			sk, sv, err := c.entries(src, depth+1)
			if err != nil {
				return nil, nil, err
			}
			for j, key := range sk {
				if _, ok := seen[key]; ok {
					continue
				}
				seen[key] = len(keys)
				keys = append(keys, key)
				vals = append(vals, sv[j])
			}
		}
	}
	return keys, vals, nil
}

func keyString(k *yaml.Node) (string, error) {
	k = deref(k)
	if k.Kind != yaml.ScalarNode {
		return "", &nodeError{k.Line, "mapping key is not a scalar"}
	}
	return k.Value, nil
}

func (c *converter) scalar(n *yaml.Node) {
	switch n.ShortTag() {
	case "!!null":
		c.buf = append(c.buf, "null"...)
		return
	case "!!bool":
		switch strings.ToLower(n.Value) {
		case "true":
			c.buf = append(c.buf, "true"...)
			return
		case "false":
			c.buf = append(c.buf, "false"...)
			return
		}
	case "!!int":
		v := strings.ReplaceAll(n.Value, "_", "")
		if i, err := strconv.ParseInt(v, 0, 64); err == nil {
			c.buf = strconv.AppendInt(c.buf, i, 10)
			return
		}
		if u, err := strconv.ParseUint(strings.TrimPrefix(v, "+"), 0, 64); err == nil {
			c.buf = strconv.AppendUint(c.buf, u, 10)
			return
		}
	case "!!float":
		if f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			c.buf = strconv.AppendFloat(c.buf, f, 'g', -1, 64)
			return
		}
	}
	// Strings, timestamps, binary, custom tags and anything that did not
	// parse as its tag claims: keep the text, as the API server would.
	c.buf = appendJSONString(c.buf, n.Value)
}

const hex = "0123456789abcdef"

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		ch := s[i]
		if ch < utf8.RuneSelf {
			switch {
			case ch == '"' || ch == '\\':
				b = append(b, '\\', ch)
			case ch == '\n':
				b = append(b, '\\', 'n')
			case ch == '\r':
				b = append(b, '\\', 'r')
			case ch == '\t':
				b = append(b, '\\', 't')
			case ch < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[ch>>4], hex[ch&0xf])
			default:
				b = append(b, ch)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// deref follows alias nodes. The hop limit guards against alias cycles,
// which a hostile document can build and go-yaml does not reject.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 64; i++ {
		n = n.Alias
	}
	return n
}
