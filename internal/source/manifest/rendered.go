package manifest

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/finding"
)

// Rendered is manifest text that a renderer (a Helm chart, a Kustomize
// build) produced from a source file the user wrote. Findings point at
// Name, the source file; lines of Data are carried over to lines of
// Source where the text tells (see lineMap), and left out where it does
// not: a finding then names the file alone, never a wrong line.
type Rendered struct {
	// Name is the source file as the user knows it (a chart template, a
	// Kustomize base or patch).
	Name string
	// Data is the rendered YAML.
	Data []byte
	// Source is the text of Name, or nil when no line can be told.
	Source []byte
}

// Renderer turns a path named on the command line into rendered
// documents when it is something to render (a Helm chart, a Kustomize
// directory): ok is false for anything else, which is then read as plain
// manifests. err is an input problem of that path (the chart does not
// render); it is reported against the path and the run goes on with the
// other paths.
type Renderer func(path string) (docs []Rendered, ok bool, err error)

// parseRendered parses r with b and moves every position onto r.Source.
func parseRendered(r Rendered, b *budget) Parsed {
	p := parse(r.Name, r.Data, b)
	m := newLineMap(r.Data, r.Source)
	for _, o := range p.Objects {
		o.Loc = m.location(o.Loc)
		// The YAML walk yields lines of the rendered text: translate them.
		walk := *o
		o.SetLocator(func(path string) finding.Location { return m.location(walk.Locate(path)) })
	}
	for _, e := range p.Errors {
		e.Line = m.line(e.Line)
	}
	for i := range p.Skipped {
		p.Skipped[i].Line = m.line(p.Skipped[i].Line)
	}
	for i := range p.NotAssessed {
		p.NotAssessed[i].Line = m.line(p.NotAssessed[i].Line)
	}
	return p
}

// lineMap carries lines of rendered text to lines of the source it came
// from. A rendered line matches a source line when both read the same
// (indentation aside), or when the source line is a template line whose
// literal text around its actions frames the rendered one (`image: {{
// .Values.image }}` frames `image: nginx:1.27`). Of the matching source
// lines the first at or after the previous match is taken, so that
// repeated keys (name:, image:) resolve in document order, wrapping round
// for loops. Rendered lines with no match (text from an included helper, a
// value a patch changed) map to 0: unknown.
type lineMap []int

// maxLineMapWork bounds the comparisons of one lineMap: far above a real
// chart's template (thousands of lines each way).
const maxLineMapWork = 50_000_000

func newLineMap(rendered, source []byte) lineMap {
	if source == nil {
		return nil
	}
	rl := strings.Split(string(rendered), "\n")
	sl := strings.Split(string(source), "\n")
	if len(rl)*len(sl) > maxLineMapWork {
		return nil // a rendered bomb: file names only, in bounded time
	}
	type pattern struct{ prefix, suffix string }
	pats := make([]pattern, len(sl))
	for i, s := range sl {
		s = strings.TrimSpace(s)
		open := strings.Index(s, "{{")
		if open < 0 {
			pats[i] = pattern{prefix: s, suffix: "\x00"} // exact
			continue
		}
		end := strings.LastIndex(s, "}}")
		if end < open {
			continue // unbalanced: never matches
		}
		pats[i] = pattern{prefix: s[:open], suffix: s[end+2:]}
	}
	matches := func(p pattern, r string) bool {
		if p.suffix == "\x00" {
			return p.prefix == r
		}
		// A line that is all action matches nothing: it could be anything.
		return p.prefix != "" && len(r) >= len(p.prefix)+len(p.suffix) &&
			strings.HasPrefix(r, p.prefix) && strings.HasSuffix(r, p.suffix)
	}
	m := make(lineMap, len(rl)+1)
	prev := 0
	for i, r := range rl {
		r = strings.TrimSpace(r)
		if r == "" || r == "---" || strings.HasPrefix(r, "#") {
			continue
		}
		found := -1
		for k := range sl {
			j := (prev + k) % len(sl)
			if matches(pats[j], r) {
				found = j
				break
			}
		}
		if found >= 0 {
			m[i+1] = found + 1
			prev = found
		}
	}
	return m
}

// line is the source line of rendered line n, 0 when unknown.
func (m lineMap) line(n int) int {
	if n <= 0 || n >= len(m) {
		return 0
	}
	return m[n]
}

func (m lineMap) location(l finding.Location) finding.Location {
	l.Line = m.line(l.Line)
	l.Column = 0 // columns of rendered text say nothing about the source
	return l
}

// hasRendered reports whether data holds anything but blank lines and
// comments: Helm renders disabled templates as nothing.
func hasRendered(data []byte) bool {
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' && !bytes.Equal(t, []byte("---")) {
			return true
		}
	}
	return false
}

// renderPaths hands every path to opt.Render and returns what it rendered,
// the paths left to read as plain manifests, and exclude patterns for the
// Helm charts found inside those directories, which are rendered too:
// their templates are not YAML. (Kustomizations found inside are read as
// plain files, as before: a base would otherwise be scanned once alone
// and once in each overlay.)
func renderPaths(paths []string, opt Options, res *Result) ([]Rendered, []string, []string) {
	if opt.Render == nil {
		return nil, paths, nil
	}
	var out []Rendered
	var exclude []string
	plain := make([]string, 0, len(paths))
	render := func(p string) bool {
		docs, ok, err := opt.Render(p)
		switch {
		case !ok:
			return false
		case err != nil:
			res.Errors = append(res.Errors, &Error{File: p, Msg: err.Error()})
		default:
			for _, d := range docs {
				if hasRendered(d.Data) {
					out = append(out, d)
				}
			}
		}
		return true
	}
	for _, p := range paths {
		if p == "-" || !render(p) {
			plain = append(plain, p)
			if p != "-" {
				exclude = append(exclude, nestedCharts(p, opt, render)...)
			}
		}
	}
	return out, plain, exclude
}

// nestedCharts renders the Helm charts under dir and returns patterns
// that keep the plain walk out of them.
func nestedCharts(dir string, opt Options, render func(string) bool) []string {
	var pats []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || p == dir {
			return nil // the plain walk reports errors
		}
		if strings.HasPrefix(d.Name(), ".") || excluded(p, opt.Exclude) {
			return filepath.SkipDir
		}
		if _, err := os.Stat(filepath.Join(p, "Chart.yaml")); err == nil && render(p) {
			pats = append(pats, globQuote(filepath.ToSlash(filepath.Clean(p))))
			return filepath.SkipDir
		}
		return nil
	})
	return pats
}

// globQuote escapes the glob metacharacters of a path.
func globQuote(p string) string {
	var b strings.Builder
	for _, r := range p {
		if strings.ContainsRune(`*?[]{}\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
