package render

import (
	"fmt"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// sarifPathIndex gives each attack path one result to carry it as a code
// flow: the result of the first finding of its fix that is a result (a
// primary), else of its first finding that is. Code scanning then shows,
// on the finding to fix, the path it cuts hop by hop.
func sarifPathIndex(rep *report.Report, primaries []*report.Finding) map[string][]*report.AttackPath {
	if len(rep.AttackPaths) == 0 {
		return nil
	}
	isResult := make(map[string]bool, len(primaries))
	for _, f := range primaries {
		isResult[f.Fingerprint] = true
	}
	out := map[string][]*report.AttackPath{}
	for i := range rep.AttackPaths {
		p := &rep.AttackPaths[i]
		var candidates []string
		if p.Fix != nil {
			candidates = append(candidates, p.Fix.Findings...)
		}
		for _, h := range p.Hops {
			for _, e := range h.Evidence {
				if e.Fingerprint != "" {
					candidates = append(candidates, e.Fingerprint)
				}
			}
		}
		for _, fp := range candidates {
			if isResult[fp] {
				out[fp] = append(out[fp], p)
				break
			}
		}
	}
	return out
}

// sarifCodeFlow is an attack path as a code flow: one thread flow, a
// location per hop at the evidence it rests on.
func sarifCodeFlow(p *report.AttackPath) *sarif.CodeFlow {
	tf := sarif.NewThreadFlow()
	for i, h := range p.Hops {
		loc := sarif.NewLocation().WithMessage(sarif.NewTextMessage(sarifText(fmt.Sprintf("%s %s %s", h.From, h.Description, h.To))))
		if len(h.Evidence) > 0 {
			e := h.Evidence[0]
			loc.AddLogicalLocation(sarifLogical(e.Subject))
			if pl, _ := sarifPhysical(e.Location); pl != nil {
				loc.WithPhysicalLocation(pl)
			}
		}
		tfl := sarif.NewThreadFlowLocation().WithLocation(loc).WithExecutionOrder(i + 1).AddKind(h.Step)
		if p.Fix != nil && p.Fix.Hop == i {
			tfl.WithImportance("essential")
		}
		tf.AddLocation(tfl)
	}
	msg := fmt.Sprintf("attack path (score %d): %s to %s", p.Score, p.Entry, p.Target)
	return sarif.NewCodeFlow().WithMessage(sarif.NewTextMessage(sarifText(msg))).AddThreadFlow(tf)
}
