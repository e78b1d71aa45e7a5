package azure

import (
	"math"
	"strconv"
	"strings"
)

// posIndex records where fields start, by path, in memory proportional
// to the number of fields: a trie whose nodes are numbered, each edge a
// (parent, segment) pair with the segment lower-cased (ARM names are
// case-insensitive) and interned, so that the thousand items of a list
// share one "name". A map from whole paths to positions costs the depth
// of every field again, which a deep input turns into gigabytes.
type posIndex struct {
	kids   map[posEdge]int32
	at     []pos // by node; line 0 = not recorded
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
func (x *posIndex) edge(parent int32, seg string, intern bool) posEdge {
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

// rootNode is the trie node of the empty path.
const rootNode int32 = 0

func newPosIndex() *posIndex {
	return &posIndex{kids: map[posEdge]int32{}, at: []pos{{}}, intern: map[string]string{}}
}

func (x *posIndex) key(seg string) string {
	low := strings.ToLower(seg)
	if s, ok := x.intern[low]; ok {
		return s
	}
	x.intern[low] = low
	return low
}

// child returns the node of seg below parent, creating it.
func (x *posIndex) child(parent int32, seg string) int32 {
	return x.childEdge(x.edge(parent, seg, true))
}

// item returns the node of list item i below parent, creating it.
func (x *posIndex) item(parent int32, i int) int32 {
	return x.childEdge(posEdge{parent: parent, item: int32(i) + 1})
}

func (x *posIndex) childEdge(e posEdge) int32 {
	if n, ok := x.kids[e]; ok {
		return n
	}
	n := int32(len(x.at))
	x.at = append(x.at, pos{})
	x.kids[e] = n
	return n
}

// lookup returns the node of seg below parent, if there is one.
func (x *posIndex) lookup(parent int32, seg string) (int32, bool) {
	n, ok := x.kids[x.edge(parent, seg, false)]
	return n, ok
}

// setAt records the position of a node.
func (x *posIndex) setAt(n int32, p pos) {
	if p.line > 0 {
		x.at[n] = p
	}
}

// set records the position of a path given as segments.
func (x *posIndex) set(segs []string, p pos) {
	if p.line <= 0 {
		return
	}
	n := rootNode
	for _, s := range segs {
		n = x.child(n, s)
	}
	x.at[n] = p
}

// get returns the position recorded for exactly segs.
func (x *posIndex) get(segs []string) (pos, bool) {
	n := rootNode
	for _, s := range segs {
		var ok bool
		if n, ok = x.lookup(n, s); !ok {
			return pos{}, false
		}
	}
	p := x.at[n]
	return p, p.line > 0
}

// deepest returns the position of the deepest recorded ancestor of segs
// (segs itself included).
func (x *posIndex) deepest(segs []string) (pos, bool) {
	var best pos
	n := rootNode
	for _, s := range segs {
		var ok bool
		if n, ok = x.lookup(n, s); !ok {
			break
		}
		if p := x.at[n]; p.line > 0 {
			best = p
		}
	}
	return best, best.line > 0
}

// deepestPrefix is deepest, also returning how many segments the found
// position covers.
func (x *posIndex) deepestPrefix(segs []string) (pos, int) {
	var best pos
	depth := 0
	n := rootNode
	for i, s := range segs {
		var ok bool
		if n, ok = x.lookup(n, s); !ok {
			break
		}
		if p := x.at[n]; p.line > 0 {
			best, depth = p, i+1
		}
	}
	return best, depth
}
