package attackpath

import (
	"cmp"
	"container/heap"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// NodeKind is what a node of the graph stands for.
type NodeKind string

// The kinds of node.
const (
	KindInternet NodeKind = "internet"
	KindEntry    NodeKind = "entry"
	KindWorkload NodeKind = "workload"
	KindIdentity NodeKind = "identity"
	KindJewel    NodeKind = "jewel"
)

// Jewel is a kind of crown jewel.
type Jewel string

// The crown jewels, with the impact of reaching one (Score).
const (
	JewelClusterAdmin Jewel = "cluster-admin"
	JewelSecrets      Jewel = "secrets"
	JewelKeyVault     Jewel = "key-vault"
	JewelRegistry     Jewel = "registry"
	JewelNode         Jewel = "node"
)

// Jewels lists the crown jewels, most valuable first.
var Jewels = []Jewel{JewelClusterAdmin, JewelSecrets, JewelKeyVault, JewelRegistry, JewelNode}

// impact is out of 10: cluster-admin is the whole cluster; Secrets, Key
// Vault and the node give credentials or a foothold everywhere next; a
// registry lets an attacker plant images.
var impact = map[Jewel]int{JewelClusterAdmin: 10, JewelSecrets: 9, JewelKeyVault: 9, JewelNode: 8, JewelRegistry: 8}

// Node is a place an attacker can be.
type Node struct {
	// ID is unique in the graph: the object's kind/namespace/name, or a
	// name of a crown jewel.
	ID    string
	Kind  NodeKind
	Jewel Jewel // set for KindJewel
	Label string
}

// Internet is the node every path starts from.
const Internet = "internet"

// Edge is a hop from one node to another.
type Edge struct {
	From, To string
	Step     string
	// Cost is how hard the hop is: 1 when a finding says it is open, more
	// when the attacker needs something no finding shows (an exploit for
	// a service without a known vulnerability).
	Cost        int
	Description string
	Evidence    []report.AttackEvidence
}

// Graph is the attack graph: nodes, and edges grouped by the node they
// leave. Adding an edge that exists (same from, to and step) merges the
// evidence and keeps the lower cost.
type Graph struct {
	nodes []Node
	index map[string]int32
	edges []Edge
	// out and in hold edge indexes per node.
	out, in [][]int32
	byKey   map[edgeKey]int32
}

type edgeKey struct {
	from, to int32
	step     string
}

// New returns a graph holding only the internet.
func New() *Graph {
	g := &Graph{index: map[string]int32{}, byKey: map[edgeKey]int32{}}
	g.AddNode(Node{ID: Internet, Kind: KindInternet, Label: "Internet"})
	return g
}

// AddNode adds n unless a node with its id exists.
func (g *Graph) AddNode(n Node) {
	if _, ok := g.index[n.ID]; ok {
		return
	}
	if n.Label == "" {
		n.Label = n.ID
	}
	g.index[n.ID] = int32(len(g.nodes))
	g.nodes = append(g.nodes, n)
	g.out = append(g.out, nil)
	g.in = append(g.in, nil)
}

// Node returns the node with id.
func (g *Graph) Node(id string) (Node, bool) {
	i, ok := g.index[id]
	if !ok {
		return Node{}, false
	}
	return g.nodes[i], true
}

// AddEdge adds e between nodes that exist; it reports false otherwise.
func (g *Graph) AddEdge(e Edge) bool {
	from, ok1 := g.index[e.From]
	to, ok2 := g.index[e.To]
	if !ok1 || !ok2 || from == to {
		return false
	}
	if e.Cost < 1 {
		e.Cost = 1
	}
	k := edgeKey{from, to, e.Step}
	if i, ok := g.byKey[k]; ok {
		old := &g.edges[i]
		old.Cost = min(old.Cost, e.Cost)
		for _, ev := range e.Evidence {
			if !slices.ContainsFunc(old.Evidence, func(o report.AttackEvidence) bool { return sameEvidence(o, ev) }) {
				old.Evidence = append(old.Evidence, ev)
			}
		}
		return true
	}
	e.Evidence = slices.Clone(e.Evidence)
	i := int32(len(g.edges))
	g.edges = append(g.edges, e)
	g.byKey[k] = i
	g.out[from] = append(g.out[from], i)
	g.in[to] = append(g.in[to], i)
	return true
}

func sameEvidence(a, b report.AttackEvidence) bool {
	if a.Fingerprint != "" || b.Fingerprint != "" {
		return a.Fingerprint == b.Fingerprint
	}
	return a.Subject == b.Subject && a.Field == b.Field && a.Message == b.Message
}

// Len returns the number of nodes and edges.
func (g *Graph) Len() (nodes, edges int) { return len(g.nodes), len(g.edges) }

// path is a path as edge indexes, before it becomes a report.AttackPath.
type path struct {
	edges []int32
	jewel Jewel
	cost  int
	score int
}

// Analyze finds, for each entry point (a node the internet reaches) and
// each kind of crown jewel, the cheapest path from the internet through
// the entry to a jewel of that kind; scores it; and names for each path
// the hop that cuts the most paths. Paths are sorted best scored first.
//
// Cost: one Dijkstra run per kind of jewel over the reversed graph, so
// O(jewel kinds × (nodes + edges) log nodes) plus the paths' length.
func (g *Graph) Analyze() []report.AttackPath {
	src := g.index[Internet]
	var paths []path
	for _, j := range Jewels {
		dist, next := g.towards(j)
		for _, ei := range g.out[src] {
			e := g.edges[ei]
			entry := g.index[e.To]
			if dist[entry] == math.MaxInt {
				continue
			}
			p := path{edges: []int32{ei}, jewel: j, cost: e.Cost}
			for n := entry; next[n] >= 0; {
				ni := next[n]
				p.edges = append(p.edges, ni)
				p.cost += g.edges[ni].Cost
				n = g.index[g.edges[ni].To]
			}
			p.score = score(j, p.cost, len(p.edges))
			paths = append(paths, p)
		}
	}
	// The hop cutting most paths: count the paths through each edge that
	// a finding opens (a relation between objects is not a fix).
	through := make(map[int32]int)
	for _, p := range paths {
		for _, ei := range p.edges {
			if g.cuttable(ei) {
				through[ei]++
			}
		}
	}
	out := make([]report.AttackPath, 0, len(paths))
	for _, p := range paths {
		out = append(out, g.reportPath(p, through))
	}
	slices.SortStableFunc(out, func(a, b report.AttackPath) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(len(a.Hops), len(b.Hops)), cmp.Compare(a.Entry, b.Entry), cmp.Compare(a.Target, b.Target))
	})
	return out
}

// cuttable reports whether fixing findings closes the edge.
func (g *Graph) cuttable(ei int32) bool {
	return slices.ContainsFunc(g.edges[ei].Evidence, func(e report.AttackEvidence) bool { return e.Fingerprint != "" })
}

// score is the jewel's impact (out of 100) lowered by 10% for each unit of
// cost beyond one per hop: a path of open doors scores its jewel's impact.
func score(j Jewel, cost, hops int) int {
	s := float64(impact[j]*10) * math.Pow(0.9, float64(cost-hops))
	return max(1, min(100, int(math.Round(s))))
}

// towards runs Dijkstra from every jewel of kind j over the reversed
// edges: dist is each node's cost to the nearest such jewel and next the
// edge to take (-1 at a jewel or where none is reachable). The queue
// breaks ties by node order, so equal inputs give equal paths.
func (g *Graph) towards(j Jewel) (dist []int, next []int32) {
	n := len(g.nodes)
	dist = make([]int, n)
	next = make([]int32, n)
	q := &queue{}
	for i := range dist {
		dist[i], next[i] = math.MaxInt, -1
		if g.nodes[i].Kind == KindJewel && g.nodes[i].Jewel == j {
			dist[i] = 0
			heap.Push(q, item{int32(i), 0})
		}
	}
	for q.Len() > 0 {
		it := heap.Pop(q).(item)
		if it.dist > dist[it.node] {
			continue
		}
		for _, ei := range g.in[it.node] {
			e := &g.edges[ei]
			from := g.index[e.From]
			if g.nodes[from].Kind == KindInternet {
				continue
			}
			if d := it.dist + e.Cost; d < dist[from] {
				dist[from], next[from] = d, ei
				heap.Push(q, item{from, d})
			}
		}
	}
	return dist, next
}

func (g *Graph) reportPath(p path, through map[int32]int) report.AttackPath {
	last := g.edges[p.edges[len(p.edges)-1]]
	rp := report.AttackPath{
		Entry:  g.label(g.edges[p.edges[0]].To),
		Target: g.label(last.To),
		Jewel:  string(p.jewel),
		Score:  p.score,
		Hops:   make([]report.AttackHop, 0, len(p.edges)),
	}
	h := sha256.New()
	best := -1
	for i, ei := range p.edges {
		e := g.edges[ei]
		h.Write([]byte(e.From + "\x00" + e.To + "\x00" + e.Step + "\x00"))
		ev := e.Evidence
		if len(ev) == 0 {
			ev = []report.AttackEvidence{}
		}
		rp.Hops = append(rp.Hops, report.AttackHop{From: g.label(e.From), To: g.label(e.To), Step: e.Step, Description: e.Description, Evidence: ev})
		if through[ei] == 0 {
			continue
		}
		if best < 0 || through[ei] > through[p.edges[best]] ||
			through[ei] == through[p.edges[best]] && findings(e) < findings(g.edges[p.edges[best]]) {
			best = i
		}
	}
	rp.ID = hex.EncodeToString(h.Sum(nil))[:16]
	if best >= 0 {
		fix := &report.AttackFix{Hop: best, Cuts: through[p.edges[best]]}
		for _, ev := range g.edges[p.edges[best]].Evidence {
			if ev.Fingerprint != "" {
				fix.Findings = append(fix.Findings, ev.Fingerprint)
			}
		}
		rp.Fix = fix
	}
	return rp
}

func findings(e Edge) int {
	n := 0
	for _, ev := range e.Evidence {
		if ev.Fingerprint != "" {
			n++
		}
	}
	return n
}

func (g *Graph) label(id string) string { return g.nodes[g.index[id]].Label }

type item struct {
	node int32
	dist int
}

type queue []item

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	return q[i].dist < q[j].dist || q[i].dist == q[j].dist && q[i].node < q[j].node
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(item)) }
func (q *queue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}
