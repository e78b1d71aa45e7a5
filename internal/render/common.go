package render

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// checkIndex maps check ids to their metadata. Findings of a check that is
// missing from rep.Checks (which a well-formed report never has) get a
// stand-in built from the finding so every renderer can still describe it.
type checkIndex struct {
	metas []report.Check
	byID  map[string]int
}

func indexChecks(rep *report.Report) *checkIndex {
	ix := &checkIndex{byID: map[string]int{}}
	for _, m := range rep.Checks {
		ix.add(m)
	}
	var extra []report.Check
	seen := map[string]bool{}
	for _, f := range rep.Findings {
		if _, ok := ix.byID[f.CheckID]; !ok && !seen[f.CheckID] {
			seen[f.CheckID] = true
			extra = append(extra, report.Check{ID: f.CheckID, Title: f.Title, Severity: f.Severity})
		}
	}
	for _, e := range rep.CheckErrors {
		if _, ok := ix.byID[e.CheckID]; !ok && !seen[e.CheckID] {
			seen[e.CheckID] = true
			extra = append(extra, report.Check{ID: e.CheckID})
		}
	}
	slices.SortFunc(extra, func(a, b report.Check) int { return cmp.Compare(a.ID, b.ID) })
	for _, m := range extra {
		ix.add(m)
	}
	return ix
}

func (ix *checkIndex) add(m report.Check) {
	if _, dup := ix.byID[m.ID]; dup {
		return
	}
	ix.byID[m.ID] = len(ix.metas)
	ix.metas = append(ix.metas, m)
}

func (ix *checkIndex) get(id string) (report.Check, bool) {
	i, ok := ix.byID[id]
	if !ok {
		return report.Check{}, false
	}
	return ix.metas[i], true
}

// sortedFindings returns the findings in a stable reading order: by file,
// position, object, check and field. The report's slice is not touched.
func sortedFindings(fs []report.Finding) []*report.Finding {
	out := make([]*report.Finding, len(fs))
	for i := range fs {
		out[i] = &fs[i]
	}
	slices.SortStableFunc(out, compareFindings)
	return out
}

func compareFindings(a, b *report.Finding) int {
	return cmp.Or(
		cmp.Compare(a.Location.File, b.Location.File),
		cmp.Compare(a.Location.Line, b.Location.Line),
		cmp.Compare(a.Location.Column, b.Location.Column),
		compareSubjects(a.Subject, b.Subject),
		cmp.Compare(b.Severity, a.Severity),
		cmp.Compare(a.CheckID, b.CheckID),
		cmp.Compare(a.Field, b.Field),
		cmp.Compare(a.Message, b.Message),
	)
}

func compareSubjects(a, b report.Subject) int {
	return cmp.Or(
		cmp.Compare(a.Kind, b.Kind),
		cmp.Compare(a.Namespace, b.Namespace),
		cmp.Compare(a.Name, b.Name),
		cmp.Compare(a.APIVersion, b.APIVersion),
	)
}

// firstSentence returns the first sentence of s: up to the first full stop
// followed by white space (common abbreviations excepted) or the first line
// break.
func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '.' || i+1 >= len(s) || (s[i+1] != ' ' && s[i+1] != '\t') {
			continue
		}
		word := s[:i+1]
		if j := strings.LastIndexAny(word, " \t("); j >= 0 {
			word = word[j+1:]
		}
		switch strings.ToLower(word) {
		case "e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "incl.":
			continue
		}
		return s[:i+1]
	}
	// A remediation whose first line introduces a YAML example ends in a
	// colon; on its own line in a table it reads better as a sentence.
	if strings.HasSuffix(s, ":") {
		s = strings.TrimSuffix(s, ":") + "."
	}
	return s
}

// camelCase turns a title into a rule name: "Host namespaces shared
// (hostNetwork, hostPID)" becomes "HostNamespacesSharedHostNetworkHostPID".
func camelCase(s string) string {
	var b strings.Builder
	upperNext := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upperNext = true
			continue
		}
		if r > unicode.MaxASCII {
			upperNext = true
			continue
		}
		if upperNext {
			r = unicode.ToUpper(r)
			upperNext = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// oneLine makes s safe to print on one line of a terminal: invalid UTF-8
// becomes U+FFFD and control characters (including ESC, so manifest content
// cannot drive the terminal, and line breaks, so it cannot forge output
// lines) are shown escaped.
func oneLine(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || isControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case isControl(r):
			const hex = "0123456789abcdef"
			if r < 0x100 {
				b.WriteString(`\x`)
				b.WriteByte(hex[r>>4])
				b.WriteByte(hex[r&0xf])
			} else {
				b.WriteString(`\u`)
				for shift := 12; shift >= 0; shift -= 4 {
					b.WriteByte(hex[(r>>shift)&0xf])
				}
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// OneLine is oneLine for the commands that print manifest content outside a
// report (explain access, baseline update).
func OneLine(s string) string { return oneLine(s) }

// isControl reports C0 and C1 controls, DEL and the Unicode line and
// paragraph separators and bidirectional overrides, which can make text
// render differently from what it is.
func isControl(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// severitiesDesc lists the severities from critical down to info.
func severitiesDesc() []report.Severity {
	return []report.Severity{report.SeverityCritical, report.SeverityHigh, report.SeverityMedium, report.SeverityLow, report.SeverityInfo}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// groupIndex finds the groups report.Relate made: each primary's members,
// and whether a finding is listed under a primary. A finding whose primary
// is missing (a hand-made report) stands on its own, so nothing is hidden.
type groupIndex struct {
	primaries map[relKey]*report.Finding
	byPrimary map[relKey][]*report.Finding
}

// relKey names a primary: its file and fingerprint (a fingerprint alone
// is shared by the same object defined in two files).
type relKey struct{ file, fingerprint string }

func indexGroups(fs []report.Finding) *groupIndex {
	g := &groupIndex{primaries: map[relKey]*report.Finding{}, byPrimary: map[relKey][]*report.Finding{}}
	for i := range fs {
		if len(fs[i].Related) > 0 {
			g.primaries[relKey{fs[i].Location.File, fs[i].Fingerprint}] = &fs[i]
		}
	}
	for _, f := range sortedFindings(fs) {
		if k := (relKey{f.Location.File, f.RelatedTo}); f.RelatedTo != "" && g.primaries[k] != nil {
			g.byPrimary[k] = append(g.byPrimary[k], f)
		}
	}
	for _, ms := range g.byPrimary {
		slices.SortStableFunc(ms, func(a, b *report.Finding) int {
			return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.CheckID, b.CheckID))
		})
	}
	return g
}

func (g *groupIndex) grouped(f *report.Finding) bool {
	return f.RelatedTo != "" && g.primaries[relKey{f.Location.File, f.RelatedTo}] != nil
}

func (g *groupIndex) members(p *report.Finding) []*report.Finding {
	if len(p.Related) == 0 {
		return nil
	}
	return g.byPrimary[relKey{p.Location.File, p.Fingerprint}]
}
