package render

import (
	"fmt"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// Verdict is the run's outcome in one line, as the table ends and as the
// CLI prints it on standard error when the report goes elsewhere, so that
// a CI log always says why a step failed:
//
//	FAIL: 52 blocking findings (12 critical, 40 high)
//	PASS: no blocking findings (7 below --fail-on high)
//	ERROR: 1 input could not be read; the verdict is incomplete
//
// It starts with PASS, FAIL or ERROR, matching exit codes 0, 1 and 2, and
// holds no control characters.
func Verdict(rep *report.Report) string {
	bySev := map[report.Severity]int{}
	byStatus := map[report.Status]int{}
	blocking := 0
	for _, f := range rep.Findings {
		if f.Blocking {
			blocking++
			bySev[f.Severity]++
			continue
		}
		byStatus[f.Status]++
	}
	switch verdictResult(rep, blocking) {
	case "error":
		var why []string
		if n := len(rep.Errors); n > 0 {
			why = append(why, fmt.Sprintf("%d %s could not be read", n, plural(n, "input", "inputs")))
		}
		if n := len(rep.CheckErrors); n > 0 {
			why = append(why, fmt.Sprintf("%d %s failed", n, plural(n, "check evaluation", "check evaluations")))
		}
		if len(why) == 0 {
			why = append(why, "the scan did not complete")
		}
		msg := "ERROR: " + strings.Join(why, " and ") + "; the verdict is incomplete"
		if blocking > 0 {
			msg += fmt.Sprintf(" (%d blocking %s so far)", blocking, plural(blocking, "finding", "findings"))
		}
		return msg
	case "fail":
		var parts []string
		for _, s := range severitiesDesc() {
			if n := bySev[s]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, s))
			}
		}
		msg := fmt.Sprintf("FAIL: %d blocking %s", blocking, plural(blocking, "finding", "findings"))
		if len(parts) > 0 {
			msg += " (" + strings.Join(parts, ", ") + ")"
		}
		return msg
	}
	if len(rep.Findings) == 0 {
		return "PASS: no findings"
	}
	// Say why each finding that was reported does not block.
	failOn := oneLine(rep.Settings.FailOn)
	var parts []string
	for _, st := range report.Statuses {
		n := byStatus[st]
		if st == report.StatusWarn {
			n += byStatus[""] // a report that was never decided
		}
		if n == 0 {
			continue
		}
		switch st {
		case report.StatusWarn:
			switch failOn {
			case "none":
				parts = append(parts, fmt.Sprintf("%d reported, --fail-on none", n))
			case "":
				parts = append(parts, fmt.Sprintf("%d reported only", n))
			default:
				parts = append(parts, fmt.Sprintf("%d below --fail-on %s", n, failOn))
			}
		case report.StatusDue:
			parts = append(parts, fmt.Sprintf("%d within %s grace period", n, plural(n, "its", "their")))
		default:
			parts = append(parts, fmt.Sprintf("%d %s", n, st))
		}
	}
	return "PASS: no blocking findings (" + strings.Join(parts, ", ") + ")"
}

// verdictResult is the report's result, or for a report that was never
// summarized what it shows, rather than deciding anything.
func verdictResult(rep *report.Report, blocking int) string {
	if r := rep.Summary.Result; r != "" {
		return r
	}
	switch {
	case len(rep.Errors) > 0 || len(rep.CheckErrors) > 0:
		return "error"
	case blocking > 0:
		return "fail"
	}
	return "pass"
}
