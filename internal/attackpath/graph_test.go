package attackpath

import (
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
)

func fp(s string) []report.AttackEvidence {
	return []report.AttackEvidence{{CheckID: "T-" + s, Fingerprint: strings.Repeat(s, 32)[:32], Message: s}}
}

func rel(s string) []report.AttackEvidence { return []report.AttackEvidence{{Message: s}} }

// hand builds a graph: nodes "E*" are entries, "J:kind" jewels, the rest
// workloads.
func hand(edges ...Edge) *Graph {
	g := New()
	for _, e := range edges {
		for _, id := range []string{e.From, e.To} {
			n := Node{ID: id, Kind: KindWorkload}
			switch {
			case strings.HasPrefix(id, "E"):
				n.Kind = KindEntry
			case strings.HasPrefix(id, "J:"):
				n.Kind, n.Jewel = KindJewel, Jewel(strings.SplitN(id, ":", 3)[1])
			}
			g.AddNode(n)
		}
		if !g.AddEdge(e) {
			panic("edge not added: " + e.From + "→" + e.To)
		}
	}
	return g
}

func route(p report.AttackPath) string {
	s := []string{p.Hops[0].From}
	for _, h := range p.Hops {
		s = append(s, h.To)
	}
	return strings.Join(s, "→")
}

func routes(ps []report.AttackPath) []string {
	var out []string
	for _, p := range ps {
		out = append(out, route(p))
	}
	return out
}

func TestChain(t *testing.T) {
	g := hand(
		Edge{From: Internet, To: "E1", Step: "exposed", Cost: 1, Evidence: fp("a")},
		Edge{From: "E1", To: "W", Step: "reaches", Cost: 1, Evidence: rel("selector")},
		Edge{From: "W", To: "J:cluster-admin", Step: "cluster-admin", Cost: 1, Evidence: fp("b")},
	)
	ps := g.Analyze()
	if got := routes(ps); !slices.Equal(got, []string{"Internet→E1→W→J:cluster-admin"}) {
		t.Fatalf("paths %v", got)
	}
	p := ps[0]
	if p.Score != 100 || p.Jewel != "cluster-admin" || p.Entry != "E1" || p.Target != "J:cluster-admin" {
		t.Errorf("path %+v", p)
	}
	// The first hop and the last tie on paths cut (1) and findings (1):
	// the earlier wins. The relation (selector) is never the fix.
	if p.Fix == nil || p.Fix.Hop != 0 || p.Fix.Cuts != 1 || !slices.Equal(p.Fix.Findings, []string{strings.Repeat("a", 32)}) {
		t.Errorf("fix %+v", p.Fix)
	}
	if len(p.ID) != 16 {
		t.Errorf("id %q", p.ID)
	}
}

func TestNoPathWithoutJewelOrEntry(t *testing.T) {
	g := hand(
		Edge{From: Internet, To: "E1", Step: "exposed", Evidence: fp("a")},
		Edge{From: "E1", To: "W", Step: "reaches", Evidence: rel("selector")},
		// A jewel reached only from a workload nobody reaches.
		Edge{From: "X", To: "J:node", Step: "host", Evidence: fp("b")},
	)
	if ps := g.Analyze(); len(ps) != 0 {
		t.Fatalf("paths %v", routes(ps))
	}
}

func TestCheapestPathPerEntryAndJewel(t *testing.T) {
	g := hand(
		Edge{From: Internet, To: "E1", Step: "exposed", Cost: 1, Evidence: fp("a")},
		Edge{From: "E1", To: "W1", Step: "reaches", Cost: 3, Evidence: rel("no known vulnerability")},
		Edge{From: "E1", To: "W2", Step: "reaches", Cost: 2, Evidence: fp("v")},
		Edge{From: "W1", To: "J:node", Step: "host", Cost: 1, Evidence: fp("b")},
		Edge{From: "W2", To: "J:node", Step: "host", Cost: 1, Evidence: fp("c")},
		Edge{From: "W2", To: "SA", Step: "token", Cost: 1, Evidence: fp("d")},
		Edge{From: "SA", To: "J:secrets:ns", Step: "secrets", Cost: 1, Evidence: fp("e")},
	)
	got := routes(g.Analyze())
	// Secrets (impact 9) outscores the node (8); both through W2, whose
	// known vulnerability makes it cheaper than W1.
	want := []string{"Internet→E1→W2→SA→J:secrets:ns", "Internet→E1→W2→J:node"}
	if !slices.Equal(got, want) {
		t.Fatalf("paths\n got %v\nwant %v", got, want)
	}
}

func TestCycles(t *testing.T) {
	// W1 and W2 reach each other (a registry both pull from, pods that
	// can exec into each other); the cycle must not loop or repeat.
	g := hand(
		Edge{From: Internet, To: "E1", Step: "exposed", Evidence: fp("a")},
		Edge{From: "E1", To: "W1", Step: "reaches", Evidence: fp("v")},
		Edge{From: "W1", To: "W2", Step: "lateral", Evidence: fp("b")},
		Edge{From: "W2", To: "W1", Step: "lateral", Evidence: fp("c")},
		Edge{From: "W2", To: "E1", Step: "lateral", Evidence: fp("d")},
		Edge{From: "W2", To: "J:registry", Step: "registry-write", Evidence: fp("e")},
		Edge{From: "J:registry", To: "W1", Step: "supply", Evidence: fp("f")},
	)
	got := routes(g.Analyze())
	if want := []string{"Internet→E1→W1→W2→J:registry"}; !slices.Equal(got, want) {
		t.Fatalf("paths %v, want %v", got, want)
	}
}

func TestBestCut(t *testing.T) {
	g := hand(
		Edge{From: Internet, To: "E1", Step: "exposed", Evidence: fp("a")},
		Edge{From: Internet, To: "E2", Step: "exposed", Evidence: fp("b")},
		Edge{From: Internet, To: "E3", Step: "exposed", Evidence: fp("c")},
		Edge{From: "E1", To: "W", Step: "reaches", Evidence: rel("selector")},
		Edge{From: "E2", To: "W", Step: "reaches", Evidence: rel("selector")},
		Edge{From: "E3", To: "W3", Step: "reaches", Evidence: rel("selector")},
		// Two findings open W→SA; one opens SA→cluster-admin; W3 has
		// its own way there.
		Edge{From: "W", To: "SA", Step: "token", Evidence: append(fp("d"), fp("e")...)},
		Edge{From: "W3", To: "SA", Step: "token", Evidence: fp("g")},
		Edge{From: "SA", To: "J:cluster-admin", Step: "cluster-admin", Evidence: fp("f")},
	)
	ps := g.Analyze()
	if len(ps) != 3 {
		t.Fatalf("paths %v", routes(ps))
	}
	for _, p := range ps {
		// SA→cluster-admin is on all three paths: fixing f cuts them all.
		if p.Fix == nil || p.Hops[p.Fix.Hop].Step != "cluster-admin" || p.Fix.Cuts != 3 || !slices.Equal(p.Fix.Findings, []string{strings.Repeat("f", 32)}) {
			t.Errorf("%s: fix %+v", route(p), p.Fix)
		}
	}
}

func TestBestCutPrefersFewerFindings(t *testing.T) {
	g := hand(
		Edge{From: Internet, To: "E1", Step: "exposed", Evidence: append(fp("a"), fp("b")...)},
		Edge{From: "E1", To: "J:node", Step: "host", Evidence: fp("c")},
	)
	p := g.Analyze()[0]
	if p.Fix == nil || p.Fix.Hop != 1 {
		t.Errorf("fix %+v: one finding to fix beats two", p.Fix)
	}
}

func TestEdgesMerge(t *testing.T) {
	g := hand(
		Edge{From: Internet, To: "E1", Step: "exposed", Cost: 3, Evidence: fp("a")},
		Edge{From: Internet, To: "E1", Step: "exposed", Cost: 1, Evidence: fp("b")},
		Edge{From: Internet, To: "E1", Step: "exposed", Cost: 2, Evidence: fp("a")},
		Edge{From: "E1", To: "J:node", Step: "host", Evidence: fp("c")},
	)
	if n, e := g.Len(); n != 3 || e != 2 {
		t.Fatalf("nodes %d edges %d", n, e)
	}
	p := g.Analyze()[0]
	if ev := p.Hops[0].Evidence; len(ev) != 2 || p.Score != 80 {
		t.Errorf("evidence %v score %d", ev, p.Score)
	}
	if g.AddEdge(Edge{From: "E1", To: "nowhere"}) || g.AddEdge(Edge{From: "E1", To: "E1"}) {
		t.Error("edge to an unknown node or to itself added")
	}
}

func TestScore(t *testing.T) {
	if a, b := score(JewelClusterAdmin, 4, 4), score(JewelClusterAdmin, 6, 4); a != 100 || b != 81 {
		t.Errorf("scores %d %d", a, b)
	}
	if s := score(JewelNode, 1000, 3); s != 1 {
		t.Errorf("score %d, want the floor 1", s)
	}
}
