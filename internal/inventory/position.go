package inventory

import (
	"unique"

	"go.yaml.in/yaml/v3"
)

// positions is a compact copy of the layout of an object's YAML: for every
// mapping entry and list item, its key and where it starts. Findings need
// only that to turn field paths into lines; keeping the parser's node
// trees instead would hold several times the memory of the objects
// themselves for a whole scan.
//
// Nodes are stored breadth-first so that the children of a node are
// contiguous: node i's children are nodes[first : first+count].
type positions struct {
	nodes []posNode
}

// posNode is 24 bytes: a scan holds one per YAML node of every object.
type posNode struct {
	// key is the mapping key, interned: the same few hundred keys recur in
	// every manifest. Zero for list items and the root.
	key          unique.Handle[string]
	first, count int32
	line         int32
	col          uint16 // columns past 65535 are clamped
	seq          bool   // children are list items, addressed by index
}

func mkPos(key string, isKey bool, line, col int) posNode {
	n := posNode{line: int32(line), col: uint16(min(col, 1<<16-1))}
	if isKey {
		n.key = unique.Make(key)
	}
	return n
}

func indexPositions(root *yaml.Node) *positions {
	if root == nil {
		return nil
	}
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	// Sized exactly: the index is held for the whole evaluation, and a
	// slice grown by appending keeps up to twice the room it needs.
	size := countNodes(root)
	p := &positions{nodes: make([]posNode, 1, size)}
	p.nodes[0] = mkPos("", false, root.Line, root.Column)
	queue := make([]*yaml.Node, 1, size)
	queue[0] = root
	for i := 0; i < len(queue); i++ {
		n := queue[i]
		// Aliases are not followed: a field inside aliased content is
		// located at the alias, and a hostile document cannot make the
		// index grow with its expansion.
		switch n.Kind {
		case yaml.MappingNode:
			p.nodes[i].first = int32(len(p.nodes))
			for j := 0; j+1 < len(n.Content); j += 2 {
				k, v := n.Content[j], n.Content[j+1]
				p.nodes = append(p.nodes, mkPos(k.Value, true, k.Line, k.Column))
				queue = append(queue, v)
			}
			p.nodes[i].count = int32(len(p.nodes)) - p.nodes[i].first
		case yaml.SequenceNode:
			p.nodes[i].first = int32(len(p.nodes))
			p.nodes[i].seq = true
			for _, item := range n.Content {
				p.nodes = append(p.nodes, mkPos("", false, item.Line, item.Column))
				queue = append(queue, item)
			}
			p.nodes[i].count = int32(len(p.nodes)) - p.nodes[i].first
		}
	}
	return p
}

// countNodes counts the nodes indexPositions records: n and, below
// mappings and lists, every value and item (aliases not followed).
func countNodes(n *yaml.Node) int {
	c := 1
	switch n.Kind {
	case yaml.MappingNode:
		for j := 1; j < len(n.Content); j += 2 {
			c += countNodes(n.Content[j])
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			c += countNodes(item)
		}
	}
	return c
}

// locate returns the position of the deepest existing node on path.
func (p *positions) locate(path string) (line, col int, ok bool) {
	cur := int32(0)
	for seg := range segments(path) {
		n := &p.nodes[cur]
		next := int32(-1)
		switch {
		case n.seq && seg.isIndex:
			if seg.index >= 0 && int32(seg.index) < n.count {
				next = n.first + int32(seg.index)
			}
		case !n.seq && !seg.isIndex:
			want := unique.Make(seg.key)
			for c := n.first; c < n.first+n.count; c++ {
				if p.nodes[c].key == want {
					next = c
					break
				}
			}
		}
		if next < 0 {
			break
		}
		cur = next
		line, col, ok = int(p.nodes[cur].line), int(p.nodes[cur].col), true
	}
	return line, col, ok
}
