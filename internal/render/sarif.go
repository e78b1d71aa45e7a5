package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// SARIF constants.
const (
	// sarifSchema is the schema URI the SARIF validator recognises as the
	// final 2.1.0 schema (rule SARIF1011).
	sarifSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// srcRoot is the uriBaseId of relative paths: the directory bulwark
	// ran in, which in CI is the checkout.
	srcRoot = "%SRCROOT%"
	// fingerprintKey names bulwark's fingerprint in partialFingerprints.
	// Its value is stable across line moves (see finding.Fingerprint), so
	// code scanning keeps an alert's history when the manifest is edited.
	fingerprintKey = "bulwarkFingerprint/v1"
)

// securitySeverity is GitHub code scanning's numeric severity: >= 9.0 is
// critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
func securitySeverity(s report.Severity) string {
	switch s {
	case report.SeverityCritical:
		return "9.5"
	case report.SeverityHigh:
		return "8.0"
	case report.SeverityMedium:
		return "5.5"
	case report.SeverityLow:
		return "3.0"
	}
	return "1.0"
}

func sarifLevel(s report.Severity) string {
	switch {
	case s >= report.SeverityHigh:
		return sarif.LevelError
	case s == report.SeverityMedium:
		return sarif.LevelWarning
	}
	return sarif.LevelNote
}

// SARIF writes the report as a SARIF 2.1.0 log with one run, in the shape
// GitHub code scanning accepts: every check that ran is a rule, every
// finding a result. The results array is present even when empty. Input and
// check errors become tool execution notifications and mark the invocation
// as unsuccessful.
func SARIF(w io.Writer, rep *report.Report) error {
	log, run, driver := sarifRun(rep.Tool)

	ix := indexChecks(rep)
	for _, m := range ix.metas {
		driver.AddRule(sarifRule(m))
	}

	// A group of findings with one root cause is one result, at its
	// primary, with the others as related locations: one alert per cause
	// in code scanning, keyed by the primary's fingerprint.
	//
	// Results are built and encoded one at a time (see writeCompactSARIF):
	// a large scan has tens of thousands, and the whole log in memory,
	// twice, cost a thousand times the input.
	usesSrcRoot := false
	groups := indexGroups(rep.Findings)
	var primaries []*report.Finding
	for _, f := range sortedFindings(rep.Findings) {
		if groups.grouped(f) {
			usesSrcRoot = usesSrcRoot || relativeFile(f.Location.File)
			continue
		}
		usesSrcRoot = usesSrcRoot || relativeFile(f.Location.File)
		primaries = append(primaries, f)
	}
	paths := sarifPathIndex(rep, primaries)
	result := func(i int) *sarif.Result {
		res, _ := sarifResult(primaries[i], ix)
		if ms := groups.members(primaries[i]); len(ms) > 0 {
			sarifRelated(res, ms)
		}
		for _, p := range paths[primaries[i].Fingerprint] {
			res.AddCodeFlow(sarifCodeFlow(p))
		}
		return res
	}

	inv := sarif.NewInvocation().WithExecutionSuccessful(len(rep.Errors) == 0 && len(rep.CheckErrors) == 0)
	if rep.Summary.Result != "" {
		inv.WithExitCode(rep.Summary.ExitCode)
	}
	for _, e := range rep.Errors {
		n := sarif.NewNotification().WithLevel(sarif.LevelError).
			WithMessage(sarif.NewTextMessage(sarifText("cannot read input: " + e.Message)))
		if loc, rel := sarifPhysical(report.Location{File: e.File, Line: e.Line}); loc != nil {
			usesSrcRoot = usesSrcRoot || rel
			n.AddLocation(sarif.NewLocationWithPhysicalLocation(loc))
		}
		inv.AddToolExecutionNotification(n)
	}
	for _, e := range rep.CheckErrors {
		first, _, _ := strings.Cut(e.Err, "\n")
		n := sarif.NewNotification().WithLevel(sarif.LevelError).
			WithMessage(sarif.NewTextMessage(sarifText(fmt.Sprintf("check %s failed on %s, which was not assessed: %s", e.CheckID, e.Subject, first))))
		if i, ok := ix.byID[e.CheckID]; ok {
			n.WithAssociatedRule(sarif.NewReportingDescriptorReference().WithID(e.CheckID).WithIndex(i))
		}
		loc := sarif.NewLocation().AddLogicalLocation(sarifLogical(e.Subject))
		if pl, rel := sarifPhysical(e.Loc); pl != nil {
			usesSrcRoot = usesSrcRoot || rel
			loc.WithPhysicalLocation(pl)
		}
		n.AddLocation(loc)
		n.WithProperties(sarif.NewPropertyBag().Add("error", e.Err))
		inv.AddToolExecutionNotification(n)
	}
	usesSrcRoot = sarifObjectNotes(inv, rep) || usesSrcRoot
	run.AddInvocation(inv)

	if usesSrcRoot {
		base := sarif.NewArtifactLocation().WithDescription(
			sarif.NewTextMessage("The directory bulwark ran in; relative paths in this log are relative to it."))
		run.WithOriginalUriBaseIds(map[string]sarif.ArtifactLocation{srcRoot: *base})
	}

	props := sarif.NewPropertyBag()
	props.Add("inventory", map[string]any{
		"files":     rep.Inventory.Files,
		"documents": rep.Inventory.Documents,
		"objects":   rep.Inventory.Objects,
		"skipped":   len(rep.Inventory.Skipped),
	})
	if rep.Settings.FailOn != "" {
		props.Add("failOn", rep.Settings.FailOn)
	}
	if rep.Summary.Result != "" {
		props.Add("result", rep.Summary.Result)
	}
	run.WithProperties(props)

	log.AddRun(run)
	return writeCompactSARIF(w, log, len(primaries), result)
}

// sarifRun starts a log of one run by tool.
func sarifRun(tool report.Tool) (*sarif.Report, *sarif.Run, *sarif.ToolComponent) {
	log := sarif.NewReport()
	log.Schema = sarifSchema
	name := tool.Name
	if name == "" {
		name = "bulwark"
	}
	driver := sarif.NewToolComponent().WithName(name)
	if tool.Version != "" {
		v := tool.Version
		if semverRE.MatchString(v) {
			// SARIF wants versions that start with a number (SARIF2005).
			v = strings.TrimPrefix(v, "v")
			driver.WithSemanticVersion(v)
		}
		driver.WithVersion(v)
	}
	if tool.URI != "" {
		driver.WithInformationURI(tool.URI)
	}
	run := sarif.NewRun().WithTool(sarif.NewTool().WithDriver(driver))
	run.WithColumnKind("unicodeCodePoints")
	return log, run, driver
}

// relativeFile reports whether a finding's file becomes a URI relative to
// %SRCROOT%.
func relativeFile(file string) bool {
	_, rel, ok := fileURI(file)
	return ok && rel
}

// writeCompactSARIF encodes the log without what go-sarif writes for unset
// values: empty arrays (other than runs and results, which GitHub requires
// even when empty), empty property bags and the -1 sentinels of unset indexes and offsets. The
// SARIF validator flags those as noise (SARIF2004), and they make up most
// of a result's size. Property bags are left exactly as written.
//
// The log's one run gets its n results from result(i), encoded one at a
// time into the place of the results array: the bytes are those of the
// whole log encoded at once, without holding it.
func writeCompactSARIF(w io.Writer, log *sarif.Report, n int, result func(int) *sarif.Result) error {
	doc, err := compactValue(log)
	if err != nil {
		return err
	}
	const mark = "\x00bulwark-results\x00"
	runs, _ := doc.(map[string]any)["runs"].([]any)
	if len(runs) != 1 {
		return fmt.Errorf("SARIF: %d runs, want 1", len(runs))
	}
	runs[0].(map[string]any)["results"] = mark
	head, err := encodeIndented(doc, "")
	if err != nil {
		return err
	}
	quoted, _ := json.Marshal(mark)
	at := bytes.Index(head, quoted)
	if at < 0 {
		return fmt.Errorf("SARIF: results placeholder lost")
	}
	lineStart := bytes.LastIndexByte(head[:at], '\n') + 1
	indent := string(bytes.Repeat([]byte(" "), len(head[lineStart:at])-len(bytes.TrimLeft(head[lineStart:at], " "))))
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(head[:at])
	if n == 0 {
		bw.WriteString("[]")
	} else {
		bw.WriteString("[")
		for i := range n {
			v, err := compactValue(result(i))
			if err != nil {
				return err
			}
			b, err := encodeIndented(v, indent+"  ")
			if err != nil {
				return err
			}
			if i > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n" + indent + "  ")
			bw.Write(bytes.TrimSuffix(b, []byte("\n")))
		}
		bw.WriteString("\n" + indent + "]")
	}
	bw.Write(head[at+len(quoted):])
	return bw.Flush()
}

// compactValue is v as generic JSON, compacted (see writeCompactSARIF).
func compactValue(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	compactSARIF(doc)
	return doc, nil
}

// encodeIndented is json.Encoder's output with SetIndent(prefix, "  ")
// and no HTML escaping, final line break included.
func encodeIndented(v any, prefix string) ([]byte, error) {
	b, err := newIndenter(prefix).encode(v)
	return append(b, '\n'), err
}

// sentinelKeys are the SARIF properties whose value -1 means "not set".
var sentinelKeys = map[string]bool{
	"index": true, "parentIndex": true, "id": true, "rank": true,
	"byteOffset": true, "charOffset": true,
}

func compactSARIF(v any) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			compactSARIF(e)
		}
	case map[string]any:
		for k, e := range v {
			switch e := e.(type) {
			case []any:
				if len(e) == 0 && k != "results" && k != "runs" {
					delete(v, k)
					continue
				}
			case json.Number:
				if sentinelKeys[k] && e == "-1" {
					delete(v, k)
					continue
				}
			}
			if k == "properties" {
				if m, ok := e.(map[string]any); ok && len(m) == 0 {
					delete(v, k)
				}
				continue // user data: keep verbatim
			}
			compactSARIF(e)
		}
	}
}

var semverRE = regexp.MustCompile(`^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

func sarifRule(m report.Check) *sarif.ReportingDescriptor {
	r := sarif.NewRule(m.ID)
	title := m.Title
	if title == "" {
		title = m.ID
	}
	if n := camelCase(title); n != "" {
		r.WithName(n)
	}
	r.WithShortDescription(sarif.NewMultiformatMessageString().WithText(title))
	desc := m.Description
	if desc == "" {
		desc = title
	}
	r.WithFullDescription(sarif.NewMultiformatMessageString().WithText(desc))

	controls := controlList(m.Controls)
	text := m.ID + ": " + title + "\n\n" + desc
	md := "**" + m.ID + ": " + markdownEscape(title) + "**\n\n" + markdownEscape(desc)
	if m.Remediation != "" {
		text += "\n\nRemediation: " + m.Remediation
		md += "\n\n**Remediation:** " + markdownEscape(m.Remediation)
	}
	if len(controls) > 0 {
		text += "\n\nControls: " + strings.Join(controls, ", ")
		md += "\n\n**Controls:** " + markdownEscape(strings.Join(controls, ", "))
	}
	r.WithHelp(sarif.NewMultiformatMessageString().WithText(text).WithMarkdown(md))

	r.WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(m.Severity)))

	var tags []string
	seen := map[string]bool{}
	for _, t := range append([]string{"security", m.Area, m.Controls.Practice}, controlTags(m.Controls)...) {
		if t != "" && !seen[t] {
			seen[t] = true
			tags = append(tags, t)
		}
	}
	props := sarif.NewPropertyBag().WithTags(tags)
	props.Add("security-severity", securitySeverity(m.Severity))
	props.Add("severity", m.Severity.String())
	if m.Area != "" {
		props.Add("area", m.Area)
	}
	if c := m.Controls; c.Practice != "" || c.PSS != "" || len(c.CIS) > 0 || len(c.ASB) > 0 {
		props.Add("controls", c)
	}
	r.WithProperties(props)
	return r
}

// controlTags are the frameworks a check serves, as code scanning tags.
func controlTags(c report.Controls) []string {
	var out []string
	if c.PSS != "" {
		out = append(out, "PSS:"+c.PSS)
	}
	for _, id := range c.CIS {
		out = append(out, "CIS-AKS:"+id)
	}
	for _, id := range c.ASB {
		out = append(out, "ASB:"+id)
	}
	return out
}

// controlList names the controls for help text.
func controlList(c report.Controls) []string {
	var out []string
	if c.PSS != "" {
		out = append(out, "Pod Security Standards "+c.PSS)
	}
	if len(c.CIS) > 0 {
		out = append(out, "CIS AKS Benchmark "+strings.Join(c.CIS, ", "))
	}
	if len(c.ASB) > 0 {
		out = append(out, "Azure Security Benchmark "+strings.Join(c.ASB, ", "))
	}
	return out
}

func sarifResult(f *report.Finding, ix *checkIndex) (*sarif.Result, bool) {
	res := sarif.NewRuleResult(f.CheckID).
		WithRuleIndex(ix.byID[f.CheckID]).
		WithLevel(sarifLevel(f.Severity))
	msg := f.Message
	if msg == "" {
		msg = f.Title
	}
	if msg == "" {
		msg = f.CheckID
	}
	if f.Field != "" {
		msg += " [" + f.Field + "]"
	}
	res.WithMessage(sarif.NewTextMessage(sarifText(msg)))

	loc := sarif.NewLocation().AddLogicalLocation(sarifLogical(f.Subject))
	pl, rel := sarifPhysical(f.Location)
	if pl != nil {
		loc.WithPhysicalLocation(pl)
	}
	res.AddLocation(loc)

	if f.Fingerprint != "" {
		res.WithPartialFingerprints(map[string]string{fingerprintKey: f.Fingerprint})
	}
	props := sarif.NewPropertyBag().
		Add("subject", f.Subject).
		Add("severity", f.Severity.String()).
		Add("blocking", f.Blocking)
	if f.Status != "" {
		props.Add("status", string(f.Status))
	}
	if f.Due != "" {
		props.Add("due", f.Due)
	}
	if f.FirstSeen != "" {
		props.Add("firstSeen", f.FirstSeen)
	}
	if f.New {
		props.Add("new", true)
	}
	// An exception is a reviewed, time-boxed suppression: code scanning
	// shows the alert as dismissed with the justification.
	if f.Status == report.StatusExcepted && f.Exception != nil {
		kind := "external"
		if f.Exception.InSource {
			kind = "inSource"
		}
		just := f.Exception.Reason + " (until " + f.Exception.Expires
		if f.Exception.Owner != "" {
			just += ", owner " + f.Exception.Owner
		}
		just += ", " + f.Exception.Source + ")"
		res.AddSuppression(sarif.NewSuppression().WithKind(kind).WithStatus("accepted").WithJustification(just))
	}
	if f.Field != "" {
		props.Add("field", f.Field)
	}
	if f.Evidence != "" {
		props.Add("evidence", f.Evidence)
	}
	if len(f.Advisories) > 0 {
		props.Add("advisories", f.Advisories)
	}
	res.WithProperties(props)
	return res, rel
}

// sarifRelated adds the findings grouped under a result as its related
// locations, each message naming its check, and lists them in the result's
// message and properties. It reports whether a URI is relative.
func sarifRelated(res *sarif.Result, ms []*report.Finding) bool {
	usesSrcRoot := false
	var ids []string
	var props []map[string]any
	for i, m := range ms {
		msg := m.Message
		if msg == "" {
			msg = m.Title
		}
		text := m.CheckID + " (" + m.Severity.String() + "): " + msg
		if m.Field != "" {
			text += " [" + m.Field + "]"
		}
		loc := sarif.NewLocation().WithID(i + 1).WithMessage(sarif.NewTextMessage(sarifText(text))).
			AddLogicalLocation(sarifLogical(m.Subject))
		if pl, rel := sarifPhysical(m.Location); pl != nil {
			usesSrcRoot = usesSrcRoot || rel
			loc.WithPhysicalLocation(pl)
		}
		res.AddRelatedLocation(loc)
		if !slices.Contains(ids, m.CheckID) {
			ids = append(ids, m.CheckID)
		}
		p := map[string]any{"checkID": m.CheckID, "fingerprint": m.Fingerprint, "severity": m.Severity.String(), "blocking": m.Blocking}
		if m.Field != "" {
			p["field"] = m.Field
		}
		props = append(props, p)
	}
	if res.Message.Text != nil {
		res.Message.Text = ptr(*res.Message.Text + sarifText(" (same root cause: "+strings.Join(ids, ", ")+")"))
	}
	res.Properties.Add("related", props)
	return usesSrcRoot
}

func ptr[T any](v T) *T { return &v }

func sarifLogical(s report.Subject) *sarif.LogicalLocation {
	l := sarif.NewLogicalLocation().WithKind("resource")
	if s.Name != "" {
		l.WithName(s.Name)
	}
	if fq := s.String(); fq != "/" {
		l.WithFullyQualifiedName(fq)
	}
	return l
}

// sarifPhysical locates a file position. It returns nil for input without a
// file (standard input, a cluster), and whether the URI is relative to
// %SRCROOT%.
func sarifPhysical(l report.Location) (*sarif.PhysicalLocation, bool) {
	uri, rel, ok := fileURI(l.File)
	if !ok {
		return nil, false
	}
	al := sarif.NewArtifactLocation().WithURI(uri)
	if rel {
		al.WithURIBaseID(srcRoot)
	}
	pl := sarif.NewPhysicalLocation().WithArtifactLocation(al)
	if l.Line > 0 {
		r := sarif.NewRegion().WithStartLine(l.Line)
		if l.Column > 0 {
			r.WithStartColumn(l.Column)
		}
		pl.WithRegion(r)
	}
	return pl, rel
}

var drivePathRE = regexp.MustCompile(`^[A-Za-z]:/`)

// fileURI turns a path as bulwark reports it into a URI reference: an
// absolute file: URI for absolute paths, otherwise a relative reference
// with forward slashes (to be resolved against %SRCROOT%). Standard input
// ("<stdin>") and empty names have no URI.
func fileURI(p string) (uri string, relative, ok bool) {
	if p == "" || p == "-" || (strings.HasPrefix(p, "<") && strings.HasSuffix(p, ">")) {
		return "", false, false
	}
	p = strings.ReplaceAll(p, `\`, "/")
	switch {
	case strings.HasPrefix(p, "//"): // UNC path: //host/share/...
		return "file:" + escapePath(p, true), false, true
	case strings.HasPrefix(p, "/"):
		return "file://" + escapePath(path.Clean(p), true), false, true
	case drivePathRE.MatchString(p):
		return "file:///" + escapePath(path.Clean(p), true), false, true
	}
	p = path.Clean(p)
	return escapePath(p, false), true, true
}

// escapePath percent-encodes everything but RFC 3986 unreserved characters,
// sub-delimiters, "@" and "/". A colon is kept only in absolute URIs: in a
// relative reference it would read as a scheme.
func escapePath(p string, keepColon bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			b.WriteByte(c)
		case strings.IndexByte("-._~!$&'()*+,;=@/", c) >= 0:
			b.WriteByte(c)
		case c == ':' && keepColon:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
	}
	return b.String()
}

// sarifText prepares text for a SARIF message: a message string may hold
// {n} placeholders, so literal braces are doubled (SARIF 2.1.0 §3.11.5).
func sarifText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.NewReplacer("{", "{{", "}", "}}").Replace(s)
}

// markdownEscape keeps check text from being read as Markdown markup.
func markdownEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "<", `\<`, ">", `\>`, "[", `\[`, "]", `\]`, "#", `\#`, "|", `\|`).Replace(s)
}
