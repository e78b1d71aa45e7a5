package render

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/bulwark-sec/bulwark/internal/report"
)

//go:embed templates/posture.html.tmpl
var postureTemplate string

var postureHTML = template.Must(template.New("posture").Funcs(template.FuncMap{
	"clean":   oneLine,
	"text":    multiLine,
	"join":    func(s []string) string { return oneLine(strings.Join(s, ", ")) },
	"check":   func(m map[string]report.Check, id string) report.Check { return m[id] },
	"sevrank": func(s report.Severity) int { return int(s) },
	"search": func(f *report.Finding) string {
		return strings.ToLower(oneLine(strings.Join([]string{f.CheckID, f.Title, f.Subject.String(), f.Location.String(), f.Field, f.Message}, " ")))
	},
	"svg": pathSVG,
}).Parse(postureTemplate))

// HTML writes the posture report: one self-contained page (inline CSS and
// script, a Content-Security-Policy that forbids every network load) that
// opens from disk. Every text from the results is escaped by html/template
// and has its control characters shown escaped (oneLine) or dropped
// (multi-line remediation text).
func HTML(w io.Writer, p *Posture) error {
	bw := bufio.NewWriter(w)
	if err := postureHTML.Execute(bw, p); err != nil {
		return err
	}
	return bw.Flush()
}

// multiLine drops control characters but line breaks and tabs, for text
// shown in <pre>.
func multiLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == utf8.RuneError:
			return utf8.RuneError
		case isControl(r):
			return -1
		}
		return r
	}, s)
}

// SVG layout of an attack path: one box per node, left to right.
const (
	boxW, boxH, gapW, padY = 168, 58, 52, 22
	lineChars              = 24
)

// pathSVG draws an attack path as an inline SVG: the nodes as boxes, the
// hops as arrows labelled with their step, the hop to fix first in red
// and dashed. Labels are escaped here, since the SVG is built as text.
func pathSVG(p report.AttackPath) template.HTML {
	nodes := []string{p.Hops[0].From}
	for _, h := range p.Hops {
		nodes = append(nodes, h.To)
	}
	width := len(nodes)*boxW + (len(nodes)-1)*gapW + 4
	height := boxH + 2*padY
	var b strings.Builder
	esc := template.HTMLEscapeString
	route := make([]string, len(nodes))
	for i, n := range nodes {
		route[i] = oneLine(n)
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`,
		width, height, width, height, esc("attack path: "+strings.Join(route, " to ")))
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#333"/></marker>` +
		`<marker id="arrow-fix" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#b42318"/></marker></defs>`)
	for i, n := range nodes {
		x := 2 + i*(boxW+gapW)
		fill := "#f2f2f2"
		switch {
		case i == 0:
			fill = "#e8eefc"
		case i == len(nodes)-1:
			fill = "#ffd7d5"
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="%s" stroke="#555"/>`, x, padY, boxW, boxH, fill)
		for j, l := range wrap(oneLine(n), lineChars, 3) {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#1a1a1a" text-anchor="middle">%s</text>`, x+boxW/2, padY+17+j*15, esc(l))
		}
		if i == 0 {
			continue
		}
		h := p.Hops[i-1]
		x1, x2, y := x-gapW, x-2, padY+boxH/2
		color, marker, dash := "#333", "arrow", ""
		if p.Fix != nil && p.Fix.Hop == i-1 {
			color, marker, dash = "#b42318", "arrow-fix", ` stroke-dasharray="5 3"`
		}
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s marker-end="url(#%s)"/>`, x1, y, x2, y, color, dash, marker)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" fill="%s" text-anchor="middle">%s</text>`, (x1+x2)/2, y-6, color, esc(truncate(oneLine(h.Step), 12)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// wrap breaks s into at most n lines of about width characters, at spaces
// where it can; the last line is truncated.
func wrap(s string, width, n int) []string {
	var lines []string
	for s != "" && len(lines) < n {
		if utf8.RuneCountInString(s) <= width {
			lines = append(lines, s)
			break
		}
		r := []rune(s)
		cut := width
		for i := width; i > width/2; i-- {
			if r[i] == ' ' || r[i] == '/' {
				cut = i
				break
			}
		}
		if len(lines) == n-1 {
			lines = append(lines, truncate(s, width))
			break
		}
		lines = append(lines, strings.TrimSpace(string(r[:cut])))
		s = strings.TrimSpace(string(r[cut:]))
	}
	return lines
}
