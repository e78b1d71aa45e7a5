package azmodel

import (
	"math"
	"strconv"
	"strings"
)

// PosIndex records where fields start, by path, in memory proportional
// to the number of fields: a trie whose nodes are numbered, each edge a
// (parent, segment) pair with the segment lower-cased (ARM names are
// case-insensitive) and interned, so that the thousand items of a list
// share one "name". A map from whole paths to positions costs the depth
// of every field again, which a deep input turns into gigabytes.
type PosIndex struct {
	kids   map[posEdge]int32
	at     []Pos // by node; line 0 = not recorded
	intern map[string]string
}

// posEdge is a member name (seg) or, for list items, an index + 1
// (item) with seg empty: indexes need no string of their own.
type posEdge struct {
	parent int32
	item   int32
	seg    string
}

// edge makes the edge of a path segment: "#N" is list item N.
func (x *PosIndex) edge(parent int32, seg string, intern bool) posEdge {
	if len(seg) > 1 && seg[0] == '#' {
		if i, err := strconv.Atoi(seg[1:]); err == nil && i >= 0 && i < math.MaxInt32 {
			return posEdge{parent: parent, item: int32(i) + 1}
		}
	}
	if intern {
		return posEdge{parent: parent, seg: x.key(seg)}
	}
	return posEdge{parent: parent, seg: strings.ToLower(seg)}
}

// RootNode is the trie node of the empty path.
const RootNode int32 = 0

func NewPosIndex() *PosIndex {
	return &PosIndex{kids: map[posEdge]int32{}, at: []Pos{{}}, intern: map[string]string{}}
}

func (x *PosIndex) key(seg string) string {
	low := strings.ToLower(seg)
	if s, ok := x.intern[low]; ok {
		return s
	}
	x.intern[low] = low
	return low
}

// Child returns the node of seg below parent, creating it.
func (x *PosIndex) Child(parent int32, seg string) int32 {
	return x.childEdge(x.edge(parent, seg, true))
}

// Item returns the node of list item i below parent, creating it.
func (x *PosIndex) Item(parent int32, i int) int32 {
	return x.childEdge(posEdge{parent: parent, item: int32(i) + 1})
}

func (x *PosIndex) childEdge(e posEdge) int32 {
	if n, ok := x.kids[e]; ok {
		return n
	}
	n := int32(len(x.at))
	x.at = append(x.at, Pos{})
	x.kids[e] = n
	return n
}

// lookup returns the node of seg below parent, if there is one.
func (x *PosIndex) lookup(parent int32, seg string) (int32, bool) {
	n, ok := x.kids[x.edge(parent, seg, false)]
	return n, ok
}

// SetAt records the position of a node.
func (x *PosIndex) SetAt(n int32, p Pos) {
	if p.Line > 0 {
		x.at[n] = p
	}
}

// set records the position of a path given as segments.
func (x *PosIndex) set(segs []string, p Pos) {
	if p.Line <= 0 {
		return
	}
	n := RootNode
	for _, s := range segs {
		n = x.Child(n, s)
	}
	x.at[n] = p
}

// Get returns the position recorded for exactly segs.
func (x *PosIndex) Get(segs []string) (Pos, bool) {
	n := RootNode
	for _, s := range segs {
		var ok bool
		if n, ok = x.lookup(n, s); !ok {
			return Pos{}, false
		}
	}
	p := x.at[n]
	return p, p.Line > 0
}

// deepest returns the position of the deepest recorded ancestor of segs
// (segs itself included).
func (x *PosIndex) deepest(segs []string) (Pos, bool) {
	var best Pos
	n := RootNode
	for _, s := range segs {
		var ok bool
		if n, ok = x.lookup(n, s); !ok {
			break
		}
		if p := x.at[n]; p.Line > 0 {
			best = p
		}
	}
	return best, best.Line > 0
}

// deepestPrefix is deepest, also returning how many segments the found
// position covers.
func (x *PosIndex) deepestPrefix(segs []string) (Pos, int) {
	var best Pos
	depth := 0
	n := RootNode
	for i, s := range segs {
		var ok bool
		if n, ok = x.lookup(n, s); !ok {
			break
		}
		if p := x.at[n]; p.Line > 0 {
			best, depth = p, i+1
		}
	}
	return best, depth
}
