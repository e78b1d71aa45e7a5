package manifest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Limits bound the work input may cause.
type Limits struct {
	// MaxDepth is the deepest nesting of mappings and lists accepted.
	MaxDepth int
	// ExpansionBase and ExpansionPerByte bound what alias and merge-key
	// expansion may add in one run, over all files, documents and List
	// items together: ExpansionBase plus ExpansionPerByte times the bytes
	// read. It is counted in bytes of the JSON produced, each node visited
	// costing at least nodeCost, so that neither a billion laughs (bytes)
	// nor merges of merges (visits that produce little) get past it.
	ExpansionBase    int64
	ExpansionPerByte int64
}

// DefaultLimits are far above what real manifests (CRDs with OpenAPI
// schemas included) need, and far below what hurts: expansion adds at most
// as much as was read plus 2 MiB, so memory stays proportional to input.
var DefaultLimits = Limits{MaxDepth: 128, ExpansionBase: 2 << 20, ExpansionPerByte: 1}

const (
	// nodeCost is what visiting one node during expansion costs at least,
	// about the JSON of a short key and value.
	nodeCost = 16
	// chargeChunk is how much expansion a converter does before charging
	// the shared budget: often enough to stop a bomb early, rarely enough
	// that the atomic add costs nothing.
	chargeChunk = 64 << 10
)

// budget is the expansion allowance of one run, shared by the goroutines
// that parse its files. It only ever shrinks relative to the input read:
// a document that fails does not give back what it spent, or a List of
// bombs would spend the whole allowance once per item.
type budget struct {
	lim   Limits
	allow atomic.Int64
	spent atomic.Int64
}

func newBudget(lim Limits) *budget {
	b := &budget{lim: lim}
	b.allow.Store(lim.ExpansionBase)
	return b
}

// read adds the allowance of n bytes of input.
func (b *budget) read(n int) { b.allow.Add(int64(n) * b.lim.ExpansionPerByte) }

func (b *budget) errorf() string {
	return fmt.Sprintf("alias and merge-key expansion exceeds the limit of %s per run (%s plus %d× the input size; a \"YAML bomb\"?)",
		humanBytes(b.allow.Load()), humanBytes(b.lim.ExpansionBase), b.lim.ExpansionPerByte)
}

// converter writes a YAML node tree as JSON, the form the Kubernetes API
// types decode from. Doing it straight from the node tree, without an
// intermediate map, keeps the cost close to one parse.
type converter struct {
	buf    []byte
	limits Limits
	budget *budget
	// expanding is above zero while writing content reached through an
	// alias or a merge key; that content is charged to the budget.
	expanding int
	// mark is len(buf) when expansion was last charged; pending is the
	// node cost not charged yet.
	mark    int
	pending int64
	// at is the line of the outermost alias or merge being expanded: the
	// place to name when the budget runs out, rather than the anchor.
	at int
}

// nodeError carries the line of the node that could not be converted.
type nodeError struct {
	line int
	msg  string
}

func (e *nodeError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// spend adds cost (and the bytes written since the last charge) to the
// expansion, charging the budget once a chunk has built up or when flush
// is set.
func (c *converter) spend(line int, cost int64, flush bool) error {
	if c.expanding == 0 {
		c.mark = len(c.buf) // what was written so far was not expansion
	}
	c.pending += cost
	n := c.pending + int64(len(c.buf)-c.mark)
	if n < chargeChunk && !flush {
		return nil
	}
	c.mark, c.pending = len(c.buf), 0
	if c.budget.spent.Add(n) > c.budget.allow.Load() {
		if c.expanding > 0 {
			line = c.at
		}
		return &nodeError{line, c.budget.errorf()}
	}
	return nil
}

// expand writes n, reached through an alias or a merge key at line, and
// charges it.
func (c *converter) expand(line int, n *yaml.Node, depth int) error {
	if c.expanding == 0 {
		c.mark, c.pending, c.at = len(c.buf), 0, line
		// Once the run's budget is spent, every later expansion fails at
		// once instead of each doing a chunk of work first.
		if c.budget.spent.Load() > c.budget.allow.Load() {
			return &nodeError{line, c.budget.errorf()}
		}
	}
	c.expanding++
	err := c.value(n, depth)
	if err == nil && c.expanding == 1 {
		err = c.spend(n.Line, 0, true)
	}
	c.expanding--
	return err
}

func (c *converter) value(n *yaml.Node, depth int) error {
	if c.expanding > 0 {
		if err := c.spend(n.Line, nodeCost, false); err != nil {
			return err
		}
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
		return c.expand(n.Line, n.Alias, depth+1)
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
	keys, vals, own, err := c.entries(n, depth)
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
		var err error
		if i < own {
			err = c.value(vals[i], depth+1)
		} else {
			// Merged in: the same content written again for every merge.
			err = c.expand(n.Line, vals[i], depth+1)
		}
		if err != nil {
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
// parsers, which is exactly how a setting hides from review. The first own
// entries are the mapping's; the rest were merged in.
func (c *converter) entries(n *yaml.Node, depth int) (keys []string, vals []*yaml.Node, own int, err error) {
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
			return nil, nil, 0, err
		}
		if _, dup := seen[key]; dup {
			return nil, nil, 0, &nodeError{k.Line, fmt.Sprintf("duplicate key %q", key)}
		}
		seen[key] = len(keys)
		keys = append(keys, key)
		vals = append(vals, v)
	}
	own = len(keys)
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
			return nil, nil, 0, &nodeError{m.Line, "merge key (<<) needs a mapping or a list of mappings"}
		}
		for _, src := range sources {
			// Every merged source costs its size, and its sources theirs:
			// merges of merges of aliases are the other way to build a
			// bomb, one that visits much and writes little.
			if err := c.spend(src.Line, nodeCost*int64(1+len(src.Content)), false); err != nil {
				return nil, nil, 0, err
			}
			src = deref(src)
			if src.Kind != yaml.MappingNode {
				return nil, nil, 0, &nodeError{src.Line, "merge key (<<) needs a mapping or a list of mappings"}
			}
			if depth > c.limits.MaxDepth {
				return nil, nil, 0, &nodeError{src.Line, fmt.Sprintf("nesting deeper than %d levels", c.limits.MaxDepth)}
			}
			sk, sv, _, err := c.entries(src, depth+1)
			if err != nil {
				return nil, nil, 0, err
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
	return keys, vals, own, nil
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
