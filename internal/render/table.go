package render

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/finding"
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

// Table writes the report for people at a terminal: findings grouped by file
// and object, then input and check errors, then a summary and the verdict.
// Output is deterministic for a given report.
func Table(w io.Writer, rep *report.Report, opt Options) error {
	bw := bufio.NewWriter(w)
	t := &tableWriter{w: bw, color: opt.Color, checks: indexChecks(rep)}
	t.findings(rep)
	t.errors(rep)
	t.objectNotes(rep)
	t.coverage(rep)
	t.warnings(rep)
	t.summary(rep)
	return bw.Flush()
}

type tableWriter struct {
	w      *bufio.Writer
	color  bool
	checks *checkIndex
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

func severityStyle(s finding.Severity) string {
	switch s {
	case finding.SeverityCritical:
		return ansiBoldRed
	case finding.SeverityHigh:
		return ansiRed
	case finding.SeverityMedium:
		return ansiYellow
	case finding.SeverityLow:
		return ansiCyan
	}
	return ansiDim
}

func position(l finding.Location) string {
	switch {
	case l.Line <= 0:
		return "-"
	case l.Column <= 0:
		return strconv.Itoa(l.Line)
	}
	return strconv.Itoa(l.Line) + ":" + strconv.Itoa(l.Column)
}

func objectLabel(s finding.Subject) string {
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

func (t *tableWriter) findings(rep *report.Report) {
	fs := sortedFindings(rep.Findings)
	if len(fs) == 0 {
		return
	}
	// Column widths over the whole report, so columns line up across files.
	idW, posW := 0, 0
	for _, f := range fs {
		idW = max(idW, len(oneLine(f.CheckID)))
		posW = max(posW, len(position(f.Location)))
	}
	// Group by file (in sorted order), then by object in order of its first
	// finding in that file. Objects read from a cluster have no file: they
	// are grouped by namespace instead.
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
		var order []finding.Subject
		bySubj := map[finding.Subject][]int{}
		for i, f := range group {
			if _, ok := bySubj[f.Subject]; !ok {
				order = append(order, f.Subject)
			}
			bySubj[f.Subject] = append(bySubj[f.Subject], i)
		}
		for _, s := range order {
			t.line("  %s", t.style(ansiBold, objectLabel(s)))
			for _, i := range bySubj[s] {
				t.finding(group[i], idW, posW)
			}
		}
		t.line("")
		start = end
	}
}

// isLive reports whether a finding is about an object read from a cluster
// (located by API path, not by file).
func isLive(f decide.Decided) bool { return f.Location.File == "" && f.Location.Resource != "" }

// liveNamespace is the namespace a live finding is listed under: a
// Namespace's own findings go with the objects in it.
func liveNamespace(f decide.Decided) string {
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
func groupOf(f decide.Decided) string {
	if isLive(f) {
		return "\x00" + liveNamespace(f)
	}
	return f.Location.File
}

// groupLiveByNamespace orders the live findings (which sort first, having
// no file) by namespace, cluster-scoped ones first, keeping their order
// within a namespace.
func groupLiveByNamespace(fs []decide.Decided) {
	n := 0
	for n < len(fs) && fs[n].Location.File == "" {
		n++
	}
	slices.SortStableFunc(fs[:n], func(a, b decide.Decided) int {
		if la, lb := isLive(a), isLive(b); la != lb {
			if la {
				return -1 // live first, then any without a file or path
			}
			return 1
		}
		return cmp.Compare(liveNamespace(a), liveNamespace(b))
	})
}

func (t *tableWriter) finding(f decide.Decided, idW, posW int) {
	mark := markReported
	if t.color {
		mark = t.style(ansiYellow, markReportedColor)
	}
	if f.Blocking {
		mark = markBlocking
		if t.color {
			mark = t.style(ansiBoldRed, markBlockingColor)
		}
	}
	sev := fmt.Sprintf("%-8s", strings.ToUpper(f.Severity.String()))
	if t.color {
		sev = t.style(severityStyle(f.Severity), sev)
	}
	id := oneLine(f.CheckID)
	pos := position(f.Location)
	msg := oneLine(f.Message)
	if msg == "" {
		msg = oneLine(f.Title)
	}
	t.line("    %s %s  %-*s  %-*s  %s", mark, sev, idW, id, posW, pos, msg)
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
}

// statusLine explains the policy's verdict on a finding.
func statusLine(f decide.Decided) string {
	if f.Status == "" {
		return ""
	}
	s := f.StatusText()
	switch {
	case f.Status == decide.StatusExcepted && f.Exception != nil:
		s += " by " + f.Exception.Source
		if f.Exception.Owner != "" {
			s += " (owner " + f.Exception.Owner + ")"
		}
		s += ": " + f.Exception.Reason
	case f.Exception != nil && f.Exception.Expired:
		s += "; exception " + f.Exception.Source + " expired on " + f.Exception.Expires
	case f.Status == decide.StatusDue:
		s += " (first seen " + f.FirstSeen + ")"
	case f.Status == decide.StatusFail && f.Due != "":
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
			loc := finding.Location{File: e.File, Line: e.Line, Resource: e.Resource}.String()
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
	bySev := map[finding.Severity]int{}
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
	byStatus := map[decide.Status]int{}
	news := 0
	for _, f := range rep.Findings {
		byStatus[f.Status]++
		if f.New {
			news++
		}
	}
	if len(rep.Findings) > 0 && byStatus[""] == 0 {
		var sp []string
		for _, st := range decide.Statuses {
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
	threshold := "the fail-on severity"
	switch rep.Settings.FailOn {
	case "":
	case "none":
		threshold = ""
	default:
		threshold = oneLine(rep.Settings.FailOn)
	}
	result := rep.Summary.Result
	if result == "" {
		// A report that was never summarized: say what it shows rather than
		// decide anything.
		switch {
		case len(rep.Errors) > 0 || len(rep.CheckErrors) > 0:
			result = "error"
		case blocking > 0:
			result = "fail"
		default:
			result = "pass"
		}
	}
	switch result {
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
		return t.style(ansiMagenta, msg)
	case "fail":
		msg := fmt.Sprintf("FAIL: %d %s", blocking, plural(blocking, "finding", "findings"))
		if threshold != "" {
			msg += " at or above " + threshold
		} else {
			msg += " block the run"
		}
		return t.style(ansiBoldRed, msg)
	}
	msg := "PASS: no findings at or above " + threshold
	if threshold == "" {
		msg = "PASS: no finding blocks the run (fail-on none)"
	}
	if below := len(rep.Findings) - blocking; below > 0 && threshold != "" {
		msg = fmt.Sprintf("PASS: no finding blocks the run (%d reported, none past due at or above %s)", below, threshold)
	}
	return t.style(ansiGreen, msg)
}

// objectNoun names what a run read: Azure resources for `scan aks`,
// Kubernetes objects otherwise.
func objectNoun(rep *report.Report, n int) string {
	if rep.Command == "scan aks" {
		return plural(n, "Azure resource", "Azure resources")
	}
	return plural(n, "Kubernetes object", "Kubernetes objects")
}
