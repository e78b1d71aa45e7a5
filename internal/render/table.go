package render

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// ANSI styles used when Options.Color is set.
const (
	ansiReset   = "\x1b[0m"
	ansiBold    = "\x1b[1m"
	ansiDim     = "\x1b[2m"
	ansiRed     = "\x1b[31m"
	ansiBoldRed = "\x1b[1;31m"
	ansiGreen   = "\x1b[1;32m"
	ansiYellow  = "\x1b[33m"
	ansiCyan    = "\x1b[36m"
	ansiMagenta = "\x1b[1;35m"
)

// Markers in front of each finding: blocking findings fail the run, the
// others are reported only. The colour variants are for terminals, which
// render UTF-8; plain output stays ASCII.
const (
	markBlocking      = "X"
	markReported      = "-"
	markBlockingColor = "✗"
	markReportedColor = "!"
)

// Table writes the report for people at a terminal. By default blocking
// findings come first, each in full, then the other findings one line each
// by file and object, input and check errors, a summary by check and the
// verdict. Findings with one root cause (report.Relate) are shown once,
// under their primary, with "also:". Verbose prints every finding in full
// by file and object; Quiet only errors and the verdict. Output is
// deterministic for a given report.
func Table(w io.Writer, rep *report.Report, opt Options) error {
	bw := bufio.NewWriter(w)
	t := &tableWriter{w: bw, color: opt.Color, checks: indexChecks(rep)}
	switch {
	case opt.Quiet:
		t.errors(rep)
		t.line("%s", t.verdict(rep, countBlocking(rep)))
		return bw.Flush()
	case opt.Verbose:
		t.findings(rep)
	default:
		t.blocking(rep)
		t.others(rep)
	}
	t.attackPaths(rep)
	t.fleet(rep)
	t.errors(rep)
	t.objectNotes(rep)
	t.coverage(rep)
	t.warnings(rep)
	t.byCheck(rep)
	t.summary(rep)
	return bw.Flush()
}

type tableWriter struct {
	w      *bufio.Writer
	color  bool
	checks *checkIndex
	groups *groupIndex // built on first use
}

func (t *tableWriter) style(code, s string) string {
	if !t.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (t *tableWriter) line(format string, args ...any) {
	fmt.Fprintf(t.w, format, args...)
	t.w.WriteByte('\n')
}

func severityStyle(s report.Severity) string {
	switch s {
	case report.SeverityCritical:
		return ansiBoldRed
	case report.SeverityHigh:
		return ansiRed
	case report.SeverityMedium:
		return ansiYellow
	case report.SeverityLow:
		return ansiCyan
	}
	return ansiDim
}

func position(l report.Location) string {
	switch {
	case l.Line <= 0:
		return "-"
	case l.Column <= 0:
		return strconv.Itoa(l.Line)
	}
	return strconv.Itoa(l.Line) + ":" + strconv.Itoa(l.Column)
}

func objectLabel(s report.Subject) string {
	kind := s.Kind
	if kind == "" {
		kind = "(unknown kind)"
	}
	name := s.Name
	if s.Namespace != "" {
		name = s.Namespace + "/" + name
	}
	if name == "" {
		return oneLine(kind)
	}
	return oneLine(kind + " " + name)
}

// findings prints every finding in full, by file and object.
func (t *tableWriter) findings(rep *report.Report) {
	fs := sortedFindings(rep.Findings)
	idW, posW := columnWidths(fs)
	t.byObject(fs, func(f *report.Finding) { t.finding(f, idW, posW, rep) })
}

// columnWidths are the widths of the check id and position columns over
// the whole report, so that columns line up across files.
func columnWidths(fs []*report.Finding) (idW, posW int) {
	for _, f := range fs {
		idW = max(idW, len(oneLine(f.CheckID)))
		posW = max(posW, len(position(f.Location)))
	}
	return idW, posW
}

// byObject prints sorted findings under a heading per file (per namespace
// for objects read from a cluster), then per object in order of its first
// finding.
func (t *tableWriter) byObject(fs []*report.Finding, emit func(*report.Finding)) {
	groupLiveByNamespace(fs)
	for start := 0; start < len(fs); {
		end := start
		for end < len(fs) && groupOf(fs[end]) == groupOf(fs[start]) {
			end++
		}
		file := fs[start].Location.File
		switch {
		case isLive(fs[start]) && liveNamespace(fs[start]) == imagesGroup:
			file = "images"
		case isLive(fs[start]) && liveNamespace(fs[start]) == "":
			file = "cluster-scoped objects"
		case isLive(fs[start]):
			file = "namespace " + liveNamespace(fs[start])
		case file == "":
			file = "(no file)"
		}
		t.line("%s", t.style(ansiBold, oneLine(file)))
		group := fs[start:end]
		var order []report.Subject
		bySubj := map[report.Subject][]int{}
		for i, f := range group {
			if _, ok := bySubj[f.Subject]; !ok {
				order = append(order, f.Subject)
			}
			bySubj[f.Subject] = append(bySubj[f.Subject], i)
		}
		for _, s := range order {
			t.line("  %s", t.style(ansiBold, objectLabel(s)))
			for _, i := range bySubj[s] {
				emit(group[i])
			}
		}
		t.line("")
		start = end
	}
}

// isLive reports whether a finding is about an object read from a cluster
// (located by API path, not by file).
func isLive(f *report.Finding) bool { return f.Location.File == "" && f.Location.Resource != "" }

// liveNamespace is the namespace a live finding is listed under: a
// Namespace's own findings go with the objects in it.
func liveNamespace(f *report.Finding) string {
	if f.Subject.Kind == imageKind {
		return imagesGroup
	}
	if f.Subject.Kind == "Namespace" && f.Subject.Namespace == "" {
		return f.Subject.Name
	}
	return f.Subject.Namespace
}

// Images (scan image, or --images) are listed after every namespace under
// their own heading.
const (
	imageKind   = "Image"
	imagesGroup = "\xffimages"
)

// groupOf is the heading a finding is listed under.
func groupOf(f *report.Finding) string {
	if isLive(f) {
		return "\x00" + liveNamespace(f)
	}
	return f.Location.File
}

// groupLiveByNamespace orders the live findings (which sort first, having
// no file) by namespace, cluster-scoped ones first, keeping their order
// within a namespace.
func groupLiveByNamespace(fs []*report.Finding) {
	n := 0
	for n < len(fs) && fs[n].Location.File == "" {
		n++
	}
	slices.SortStableFunc(fs[:n], func(a, b *report.Finding) int {
		if la, lb := isLive(a), isLive(b); la != lb {
			if la {
				return -1 // live first, then any without a file or path
			}
			return 1
		}
		return cmp.Compare(liveNamespace(a), liveNamespace(b))
	})
}

func (t *tableWriter) mark(f *report.Finding) string {
	if f.Blocking {
		if t.color {
			return t.style(ansiBoldRed, markBlockingColor)
		}
		return markBlocking
	}
	if t.color {
		return t.style(ansiYellow, markReportedColor)
	}
	return markReported
}

func (t *tableWriter) severity(s report.Severity) string {
	return t.style(severityStyle(s), fmt.Sprintf("%-8s", strings.ToUpper(s.String())))
}

func message(f *report.Finding) string {
	if f.Message == "" {
		return oneLine(f.Title)
	}
	return oneLine(f.Message)
}

// finding prints one finding in full under its object's heading (verbose).
func (t *tableWriter) finding(f *report.Finding, idW, posW int, rep *report.Report) {
	t.line("    %s %s  %-*s  %-*s  %s", t.mark(f), t.severity(f.Severity), idW, oneLine(f.CheckID), posW, position(f.Location), message(f))
	const indent = "        "
	if f.Field != "" {
		t.line("%s%s %s", indent, t.style(ansiDim, "field:"), oneLine(f.Field))
	}
	if st := statusLine(f); st != "" {
		t.line("%s%s %s", indent, t.style(ansiDim, "status:"), oneLine(st))
	}
	if m, ok := t.checks.get(f.CheckID); ok && m.Remediation != "" {
		t.line("%s%s   %s", indent, t.style(ansiDim, "fix:"), oneLine(firstSentence(m.Remediation)))
	}
	if also := t.also(rep, f); also != "" {
		t.line("%s%s  %s", indent, t.style(ansiDim, "also:"), also)
	}
	if p := t.primaryOf(rep, f); p != nil {
		t.line("%s%s  same root cause as %s at %s", indent, t.style(ansiDim, "with:"), oneLine(p.CheckID), position(p.Location))
	}
}

// entry prints a blocking finding in full, on its own: what, where, why
// and how to fix it.
func (t *tableWriter) entry(f *report.Finding, rep *report.Report) {
	where := f.Location.String()
	if where == "" {
		where = "(no file)"
	}
	t.line("%s %s  %s  %s  %s", t.mark(f), t.severity(f.Severity), t.style(ansiBold, oneLine(f.CheckID)), oneLine(where), t.style(ansiBold, objectLabel(f.Subject)))
	const indent = "    "
	t.line("%s%s", indent, message(f))
	if f.Field != "" {
		t.line("%s%s  %s", indent, t.style(ansiDim, "field:"), oneLine(f.Field))
	}
	if st := statusLine(f); st != "" && st != string(report.StatusFail) {
		t.line("%s%s %s", indent, t.style(ansiDim, "status:"), oneLine(st))
	}
	if m, ok := t.checks.get(f.CheckID); ok && m.Remediation != "" {
		t.line("%s%s    %s", indent, t.style(ansiDim, "fix:"), oneLine(firstSentence(m.Remediation)))
	}
	// Findings grouped under this one that block are in full too: each
	// is a reason the run fails.
	label := t.style(ansiDim, "also:") + "   "
	var rest []*report.Finding
	for _, m := range t.members(rep, f) {
		if !m.Blocking {
			rest = append(rest, m)
			continue
		}
		t.line("%s%s%s (%s, blocking) at %s: %s", indent, label, oneLine(m.CheckID), m.Severity, position(m.Location), message(m))
		label = "        "
	}
	if len(rest) > 0 {
		t.line("%s%s%s", indent, label, alsoList(rest))
	}
}

// briefWidth is how much of a message a one-line finding shows; the rest
// is in --verbose and the JSON report.
const briefWidth = 100

// brief prints a finding that does not block on one line.
func (t *tableWriter) brief(f *report.Finding, idW, posW int, rep *report.Report) {
	msg := truncate(message(f), briefWidth)
	switch f.Status {
	case "", report.StatusWarn, report.StatusFail:
		if f.New {
			msg = "[new] " + msg
		}
	default:
		msg = "[" + oneLine(shortStatus(f)) + "] " + msg
	}
	if ids := t.alsoIDs(rep, f); ids != "" {
		msg += t.style(ansiDim, " (also "+ids+")")
	}
	t.line("    %s %s  %-*s  %-*s  %s", t.mark(f), t.severity(f.Severity), idW, oneLine(f.CheckID), posW, position(f.Location), msg)
}

// truncate shortens s to at most n runes, at a word boundary when one is
// near, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut, runes := 0, 0
	for i := range s {
		if runes == n-3 {
			cut = i
			break
		}
		runes++
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > cut*3/4 {
		cut = sp
	}
	return strings.TrimRight(s[:cut], " ,;:") + "..."
}

// blocking prints the findings that fail the run, each in full, the most
// severe first.
func (t *tableWriter) blocking(rep *report.Report) {
	var bs []*report.Finding
	for _, f := range sortedFindings(rep.Findings) {
		if f.Blocking && !t.grouped(rep, f) {
			bs = append(bs, f)
		}
	}
	if len(bs) == 0 {
		return
	}
	slices.SortStableFunc(bs, func(a, b *report.Finding) int { return cmp.Compare(b.Severity, a.Severity) })
	n := countBlocking(rep)
	head := fmt.Sprintf("Blocking findings (%d):", n)
	if shown := len(bs); shown < n {
		head = fmt.Sprintf("Blocking findings (%d, %d of them listed with another of the same root cause):", n, n-shown)
	}
	t.line("%s", t.style(ansiBoldRed, head))
	t.line("")
	for _, f := range bs {
		t.entry(f, rep)
		t.line("")
	}
}

// others prints the findings that do not block, one line each, by file
// and object.
func (t *tableWriter) others(rep *report.Report) {
	var os []*report.Finding
	n := 0
	for _, f := range sortedFindings(rep.Findings) {
		if f.Blocking {
			continue
		}
		n++
		if !t.grouped(rep, f) {
			os = append(os, f)
		}
	}
	if n == 0 {
		return
	}
	t.line("%s", t.style(ansiBold, fmt.Sprintf("Reported only (%d; --verbose shows each in full):", n)))
	idW, posW := columnWidths(os)
	t.byObject(os, func(f *report.Finding) { t.brief(f, idW, posW, rep) })
}

// members are the findings grouped under primary p, most pressing first.
func (t *tableWriter) members(rep *report.Report, p *report.Finding) []*report.Finding {
	if t.groups == nil {
		t.groups = indexGroups(rep.Findings)
	}
	return t.groups.members(p)
}

// grouped reports whether f is listed under its group's primary.
func (t *tableWriter) grouped(rep *report.Report, f *report.Finding) bool {
	if t.groups == nil {
		t.groups = indexGroups(rep.Findings)
	}
	return t.groups.grouped(f)
}

// primaryOf is the primary finding f is grouped under, if any.
func (t *tableWriter) primaryOf(rep *report.Report, f *report.Finding) *report.Finding {
	if !t.grouped(rep, f) {
		return nil
	}
	return t.groups.primaries[relKey{f.Location.File, f.RelatedTo}]
}

// also lists the findings grouped under f with severity and whether they
// block: "K8S-005 (high, blocking), K8S-026 (low)".
func (t *tableWriter) also(rep *report.Report, f *report.Finding) string {
	return alsoList(t.members(rep, f))
}

func alsoList(ms []*report.Finding) string {
	var parts []string
	for _, m := range ms {
		s := m.Severity.String()
		if m.Blocking {
			s += ", blocking"
		} else if m.Status != "" && m.Status != report.StatusWarn {
			s += ", " + shortStatus(m)
		}
		parts = append(parts, oneLine(m.CheckID)+" ("+oneLine(s)+")")
	}
	return strings.Join(parts, ", ")
}

// alsoIDs lists the check ids grouped under f.
func (t *tableWriter) alsoIDs(rep *report.Report, f *report.Finding) string {
	var ids []string
	for _, m := range t.members(rep, f) {
		if id := oneLine(m.CheckID); !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return strings.Join(ids, ", ")
}

func countBlocking(rep *report.Report) int {
	n := 0
	for _, f := range rep.Findings {
		if f.Blocking {
			n++
		}
	}
	return n
}

// byCheck closes the findings with one line per check: how many it found,
// how many block, and what it is about.
func (t *tableWriter) byCheck(rep *report.Report) {
	type row struct {
		id, title       string
		sev             report.Severity
		count, blocking int
	}
	rows := map[string]*row{}
	var order []string
	for _, f := range rep.Findings {
		r := rows[f.CheckID]
		if r == nil {
			r = &row{id: f.CheckID, title: f.Title, sev: f.Severity}
			if m, ok := t.checks.get(f.CheckID); ok && m.Title != "" {
				r.title = m.Title
			}
			rows[f.CheckID] = r
			order = append(order, f.CheckID)
		}
		r.count++
		r.sev = max(r.sev, f.Severity)
		if f.Blocking {
			r.blocking++
		}
	}
	if len(rows) == 0 {
		return
	}
	slices.SortFunc(order, func(a, b string) int {
		ra, rb := rows[a], rows[b]
		return cmp.Or(cmp.Compare(min(rb.blocking, 1), min(ra.blocking, 1)), cmp.Compare(rb.sev, ra.sev), cmp.Compare(rb.count, ra.count), cmp.Compare(a, b))
	})
	idW, countW := 0, 0
	counts := map[string]string{}
	for _, id := range order {
		r := rows[id]
		c := strconv.Itoa(r.count)
		if r.blocking > 0 {
			c += " (" + strconv.Itoa(r.blocking) + " blocking)"
		}
		counts[id] = c
		idW = max(idW, len(oneLine(id)))
		countW = max(countW, len(c))
	}
	t.line("%s", t.style(ansiBold, fmt.Sprintf("Findings by check (%d %s):", len(order), plural(len(order), "check", "checks"))))
	for _, id := range order {
		r := rows[id]
		t.line("  %-*s  %s  %-*s  %s", idW, oneLine(id), t.severity(r.sev), countW, counts[id], oneLine(r.title))
	}
	t.line("")
}

// shortStatus is the status as StatusText prints it, also for a finding
// marked excepted without its exception (a hand-made report).
func shortStatus(f *report.Finding) string {
	if f.Status == report.StatusExcepted && f.Exception == nil {
		return string(f.Status)
	}
	return f.StatusText()
}

// statusLine explains the policy's verdict on a finding.
func statusLine(f *report.Finding) string {
	if f.Status == "" {
		return ""
	}
	s := shortStatus(f)
	switch {
	case f.Status == report.StatusExcepted && f.Exception != nil:
		s += " by " + f.Exception.Source
		if f.Exception.Owner != "" {
			s += " (owner " + f.Exception.Owner + ")"
		}
		s += ": " + f.Exception.Reason
	case f.Exception != nil && f.Exception.Expired:
		s += "; exception " + f.Exception.Source + " expired on " + f.Exception.Expires
	case f.Status == report.StatusDue:
		s += " (first seen " + f.FirstSeen + ")"
	case f.Status == report.StatusFail && f.Due != "":
		s += " (first seen " + f.FirstSeen + ", grace ended " + f.Due + ")"
	}
	if f.DefaultSeverity != "" {
		s += "; severity set by policy (default " + f.DefaultSeverity + ")"
	}
	return s
}

func (t *tableWriter) warnings(rep *report.Report) {
	if n := len(rep.Warnings); n > 0 {
		t.line("%s", t.style(ansiYellow, fmt.Sprintf("Warnings (%d):", n)))
		for _, w := range rep.Warnings {
			t.line("  %s", oneLine(w))
		}
		t.line("")
	}
}

func (t *tableWriter) errors(rep *report.Report) {
	if n := len(rep.Errors); n > 0 {
		t.line("%s", t.style(ansiBoldRed, fmt.Sprintf("Input errors (%d):", n)))
		for _, e := range rep.Errors {
			loc := report.Location{File: e.File, Line: e.Line, Resource: e.Resource}.String()
			if loc == "" {
				loc = "(no file)"
			}
			t.line("  %s: %s", oneLine(loc), oneLine(e.Message))
		}
		t.line("")
	}
	if n := len(rep.CheckErrors); n > 0 {
		t.line("%s", t.style(ansiBoldRed, fmt.Sprintf("Check errors (%d):", n)))
		for _, e := range rep.CheckErrors {
			loc := e.Loc.String()
			if loc == "" {
				loc = "(no file)"
			}
			// The first line only: a crash carries its stack trace, which
			// the JSON report keeps in full.
			msg, _, _ := strings.Cut(e.Err, "\n")
			t.line("  %s: check %s on %s: %s", oneLine(loc), oneLine(e.CheckID), oneLine(e.Subject.String()), oneLine(msg))
		}
		t.line("")
	}
}

// coverage says, for a live scan, what was read and what could not be
// assessed: a check that could not look is listed, never counted as a pass.
func (t *tableWriter) coverage(rep *report.Report) {
	if len(rep.Coverage) == 0 {
		return
	}
	var read, empty []string
	var notRead, notApplicable, notServed []report.Coverage
	for _, c := range rep.Coverage {
		switch c.Status {
		case report.CoverageNotRead:
			notRead = append(notRead, c)
			continue
		case report.CoverageNotServed:
			notServed = append(notServed, c)
			continue
		case report.CoverageNotApplicable:
			notApplicable = append(notApplicable, c)
			continue
		}
		if len(c.NotAssessed) > 0 {
			notApplicable = append(notApplicable, c)
		}
		switch {
		case c.Collected == 0:
			empty = append(empty, oneLine(c.Kind))
		case c.Assessed < c.Collected:
			read = append(read, fmt.Sprintf("%s %d (%d judged through their controller)", oneLine(c.Kind), c.Collected, c.Collected-c.Assessed))
		default:
			read = append(read, fmt.Sprintf("%s %d", oneLine(c.Kind), c.Collected))
		}
	}
	t.line("%s", t.style(ansiBold, "Coverage:"))
	if len(read) > 0 {
		t.line("  Read: %s", strings.Join(read, ", "))
	}
	if len(empty) > 0 {
		t.line("  None found: %s", strings.Join(empty, ", "))
	}
	if len(notRead) > 0 {
		t.line("  %s", t.style(ansiBoldRed, fmt.Sprintf("Not read (%d):", len(notRead))))
		for _, c := range notRead {
			t.line("    %s %s: %s", oneLine(c.Kind), oneLine(c.Resource), oneLine(c.Reason))
			if len(c.NotAssessed) > 0 {
				t.line("      not assessed by %s", strings.Join(c.NotAssessed, ", "))
			}
		}
	}
	if len(notApplicable) > 0 {
		t.line("  Not assessed on a live cluster:")
		for _, c := range notApplicable {
			kind := oneLine(c.Kind)
			if kind == "*" {
				kind = "all kinds"
			}
			t.line("    %s: %s (%s)", kind, strings.Join(c.NotAssessed, ", "), oneLine(c.Reason))
		}
	}
	if len(notServed) > 0 {
		var ks []string
		for _, c := range notServed {
			ks = append(ks, oneLine(c.Kind))
		}
		t.line("  Not served by the API server (nothing to assess): %s", strings.Join(ks, ", "))
	}
	t.line("")
}

func (t *tableWriter) summary(rep *report.Report) {
	inv := rep.Inventory
	if len(rep.Findings) == 0 {
		if inv.Objects == 0 && len(rep.Errors) == 0 {
			t.line("No findings: the input contained no %s.", objectNoun(rep, 2))
		} else {
			t.line("%s", t.style(ansiGreen, "No findings."))
		}
		t.line("")
	}

	images := 0
	for _, k := range inv.Kinds {
		if k.Kind == imageKind {
			images = k.Count
		}
	}
	objects := inv.Objects - images
	scanned := fmt.Sprintf("Scanned: %d %s, %d %s, %d %s",
		inv.Files, plural(inv.Files, "file", "files"),
		inv.Documents, plural(inv.Documents, "document", "documents"),
		objects, objectNoun(rep, objects))
	if rep.Command == "scan image" {
		scanned = fmt.Sprintf("Scanned: %d %s", images, plural(images, "image", "images"))
	}
	if len(rep.Coverage) > 0 {
		read, assessed := 0, 0
		for _, c := range rep.Coverage {
			read += c.Collected
			assessed += c.Assessed
		}
		scanned = fmt.Sprintf("Scanned: %d Kubernetes %s read from the cluster", read, plural(read, "object", "objects"))
		if len(rep.Targets) == 1 {
			scanned += " at " + oneLine(rep.Targets[0])
		}
		if assessed < read {
			scanned += fmt.Sprintf(", %d assessed (the rest through their controller)", assessed)
		}
	}
	if n := len(inv.Skipped); n > 0 {
		scanned += fmt.Sprintf(" (%d non-Kubernetes %s skipped)", n, plural(n, "document", "documents"))
	}
	if images > 0 && rep.Command != "scan image" {
		scanned += fmt.Sprintf(", and %d %s they use", images, plural(images, "image", "images"))
	}
	t.line("%s", scanned)

	// Counts come from the findings themselves so that the block is right
	// even for a report whose Summary was not filled in.
	bySev := map[report.Severity]int{}
	blocking := 0
	for _, f := range rep.Findings {
		bySev[f.Severity]++
		if f.Blocking {
			blocking++
		}
	}
	var parts []string
	for _, s := range severitiesDesc() {
		parts = append(parts, fmt.Sprintf("%d %s", bySev[s], s))
	}
	t.line("Findings: %d (%s)", len(rep.Findings), strings.Join(parts, ", "))
	grouped := 0
	for _, f := range rep.Findings {
		if f.RelatedTo != "" {
			grouped++
		}
	}
	if grouped > 0 {
		t.line("Grouped:  %d %s a root cause with another finding and %s listed with it (the gate counts each)", grouped, plural(grouped, "finding shares", "findings share"), plural(grouped, "is", "are"))
	}
	byStatus := map[report.Status]int{}
	news := 0
	for _, f := range rep.Findings {
		byStatus[f.Status]++
		if f.New {
			news++
		}
	}
	if len(rep.Findings) > 0 && byStatus[""] == 0 {
		var sp []string
		for _, st := range report.Statuses {
			sp = append(sp, fmt.Sprintf("%d %s", byStatus[st], st))
		}
		line := "Status:   " + strings.Join(sp, ", ")
		if rep.Settings.Baseline != "" {
			line += fmt.Sprintf("; %d new since the baseline", news)
		}
		t.line("%s", line)
	}
	failOn := rep.Settings.FailOn
	gate := ""
	if failOn != "" {
		gate = " (fail-on " + oneLine(failOn) + ")"
	}
	t.line("Blocking: %d%s", blocking, gate)
	if blocking > 0 || len(rep.Findings) > 0 {
		b, r := markBlocking, markReported
		if t.color {
			b, r = markBlockingColor, markReportedColor
		}
		t.line("%s", t.style(ansiDim, fmt.Sprintf("(%s blocks the run, %s is reported only)", b, r)))
	}
	t.line("")
	t.line("%s", t.verdict(rep, blocking))
}

func (t *tableWriter) verdict(rep *report.Report, blocking int) string {
	v := Verdict(rep)
	switch verdictResult(rep, blocking) {
	case "error":
		return t.style(ansiMagenta, v)
	case "fail":
		return t.style(ansiBoldRed, v)
	}
	return t.style(ansiGreen, v)
}

// objectNoun names what a run read: Azure resources for `scan aks`,
// Kubernetes objects otherwise.
func objectNoun(rep *report.Report, n int) string {
	if rep.Command == "scan aks" {
		return plural(n, "Azure resource", "Azure resources")
	}
	return plural(n, "Kubernetes object", "Kubernetes objects")
}
