package render

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// Markdown bounds: a pull-request comment is read, not searched.
const (
	mdPaths    = 5
	mdFindings = 30
)

// md makes text safe in a Markdown table cell or list item: control
// characters escaped (oneLine), and the characters that would start
// markup, close a cell or inject HTML escaped.
func md(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "|", `\|`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "#", `\#`)
	return r.Replace(oneLine(s))
}

// Markdown writes the posture as GitHub-flavoured Markdown for a
// pull-request comment: the verdict, the practice scores, the best scored
// attack paths, the trend and the blocking findings.
func Markdown(w io.Writer, p *Posture) error {
	bw := bufio.NewWriter(w)
	rep := p.Report
	s := rep.Summary
	fmt.Fprintf(bw, "## Bulwark: %s\n\n", md(s.Result))
	fmt.Fprintf(bw, "%d findings, %d blocking, %d attack paths (%s as of %s).\n\n", s.Findings, s.Blocking, len(rep.AttackPaths), md(rep.Command), md(rep.Settings.AsOf))
	if len(rep.Errors) > 0 {
		fmt.Fprintf(bw, "**%d inputs could not be read: the verdict is incomplete.**\n\n", len(rep.Errors))
	}
	bw.WriteString("| practice | score | failing checks |\n| --- | ---: | --- |\n")
	for _, pr := range p.Practices {
		if pr.Ran == 0 {
			fmt.Fprintf(bw, "| %s | n/a | not assessed |\n", pr.Name)
			continue
		}
		fmt.Fprintf(bw, "| %s | %d | %s |\n", pr.Name, pr.Score, md(strings.Join(pr.FailingChecks, ", ")))
	}
	if len(rep.AttackPaths) > 0 {
		fmt.Fprintf(bw, "\n### Attack paths (%d)\n\n", len(rep.AttackPaths))
		for i, ap := range rep.AttackPaths {
			if i == mdPaths {
				fmt.Fprintf(bw, "\n%d more in the HTML report.\n", len(rep.AttackPaths)-mdPaths)
				break
			}
			route := []string{md(ap.Hops[0].From)}
			for _, h := range ap.Hops {
				route = append(route, md(h.To))
			}
			fmt.Fprintf(bw, "%d. **%d** %s: %s", i+1, ap.Score, md(ap.Jewel), strings.Join(route, " → "))
			if ap.Fix != nil {
				h := ap.Hops[ap.Fix.Hop]
				var ids []string
				for _, e := range h.Evidence {
					if e.CheckID != "" {
						ids = append(ids, e.CheckID)
					}
				}
				fmt.Fprintf(bw, ". Fix first: %s → %s (%s), cuts %d", md(h.From), md(h.To), md(strings.Join(dedupe(ids), ", ")), ap.Fix.Cuts)
			}
			bw.WriteString("\n")
		}
	}
	if t := p.Trend; t != nil {
		fmt.Fprintf(bw, "\n### Trend\n\n| new | fixed | past their grace period |\n| ---: | ---: | ---: |\n| %d | %d | %d |\n", len(t.New), len(t.Fixed), len(t.Aged))
	}
	var blocking []*report.Finding
	for _, f := range p.Findings {
		if f.Blocking {
			blocking = append(blocking, f)
		}
	}
	if len(blocking) > 0 {
		fmt.Fprintf(bw, "\n### Blocking findings (%d)\n\n| severity | check | object | where | paths | what is wrong |\n| --- | --- | --- | --- | ---: | --- |\n", len(blocking))
		for i, f := range blocking {
			if i == mdFindings {
				fmt.Fprintf(bw, "\n%d more in the HTML report.\n", len(blocking)-mdFindings)
				break
			}
			fmt.Fprintf(bw, "| %s | %s | %s | %s | %d | %s |\n", f.Severity, md(f.CheckID), md(f.Subject.String()), md(f.Location.String()), f.AttackPaths, md(truncate(message(f), 160)))
		}
	}
	return bw.Flush()
}

func dedupe(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
