package render

import (
	"fmt"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// fleet prints one line per cluster of a fleet assessment: its verdict and
// counts, or why it was not assessed.
func (t *tableWriter) fleet(rep *report.Report) {
	f := rep.Fleet
	if f == nil {
		return
	}
	s := f.Summary
	t.line("%s", t.style(ansiBold, fmt.Sprintf("Clusters (%d: %d assessed, %d not assessed; %d pass, %d fail, %d incomplete):",
		s.Clusters, s.Assessed, s.NotAssessed, s.Passed, s.Failed, s.Incomplete)))
	for _, c := range f.Clusters {
		name := oneLine(c.ResourceGroup + "/" + c.Name)
		if c.Status != report.ClusterAssessed {
			t.line("  %s  %s (%s): %s", t.style(ansiBoldRed, fmt.Sprintf("%-12s", "NOT ASSESSED")), name, oneLine(c.Subscription), oneLine(c.Reason))
			continue
		}
		verdict, style := "PASS", ansiGreen
		switch c.Result {
		case "fail":
			verdict, style = "FAIL", ansiRed
		case "error":
			verdict, style = "INCOMPLETE", ansiYellow
		}
		t.line("  %s  %s (%s): %d %s (%d blocking), %d attack %s", t.style(style, fmt.Sprintf("%-12s", verdict)), name, oneLine(c.Subscription),
			c.Findings, plural(c.Findings, "finding", "findings"), c.Blocking, c.AttackPaths, plural(c.AttackPaths, "path", "paths"))
	}
	t.line("")
}
