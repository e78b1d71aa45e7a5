package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// maxTablePaths bounds the attack paths the table prints; JSON, SARIF and
// the HTML report carry them all.
const maxTablePaths = 10

// attackPaths prints the best scored attack paths, hop by hop with the
// check behind each hop, and the hop to fix first.
func (t *tableWriter) attackPaths(rep *report.Report) {
	if len(rep.AttackPaths) == 0 {
		return
	}
	t.line("%s", t.style(ansiBold, fmt.Sprintf("Attack paths (%d, best scored first):", len(rep.AttackPaths))))
	for i, p := range rep.AttackPaths {
		if i == maxTablePaths {
			n := len(rep.AttackPaths) - maxTablePaths
			t.line("  ... %d more %s in the JSON, SARIF and HTML reports", n, plural(n, "path", "paths"))
			break
		}
		route := []string{oneLine(p.Hops[0].From)}
		for _, h := range p.Hops {
			route = append(route, oneLine(h.To))
		}
		t.line("  %3d  %s: %s", p.Score, oneLine(p.Jewel), strings.Join(route, " → "))
		for j, h := range p.Hops {
			var ids []string
			for _, e := range h.Evidence {
				if e.CheckID != "" && !slices.Contains(ids, e.CheckID) {
					ids = append(ids, e.CheckID)
				}
			}
			why := "relation: " + firstEvidence(h)
			if len(ids) > 0 {
				why = strings.Join(ids, ", ")
			}
			mark := " "
			if p.Fix != nil && p.Fix.Hop == j {
				mark = "*"
			}
			t.line("       %s %s → %s: %s (%s)", mark, oneLine(h.From), oneLine(h.To), oneLine(h.Description), oneLine(why))
		}
		if p.Fix != nil {
			t.line("       * fix first: cuts %d %s", p.Fix.Cuts, plural(p.Fix.Cuts, "path", "paths"))
		}
	}
	t.line("")
}

func firstEvidence(h report.AttackHop) string {
	if len(h.Evidence) == 0 {
		return ""
	}
	return h.Evidence[0].Message
}
