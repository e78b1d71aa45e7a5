package render

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// AlertFormats are the output formats of bulwark detect on files.
var AlertFormats = []string{"jsonl", "sarif", "table"}

// AlertLog is what bulwark detect found in files, for the formats that
// write it whole (SARIF, table); JSON lines are streamed instead.
type AlertLog struct {
	Tool report.Tool
	// Rules are the detections that ran, user rules included.
	Rules  []report.Check
	Alerts []LocatedAlert
	// Problems are input lines that were not audit events.
	Problems []report.InputError
	// Events read; Suppressed counts alerts not shown (deduplicated,
	// rate-limited, waived by exceptions) with why.
	Events     int64
	Suppressed string
	FailOn     string
	// ExitCode is the command's (report.ExitPass...).
	ExitCode int
}

// LocatedAlert is an alert with the line of the file it was read from
// (no file for standard input).
type LocatedAlert struct {
	report.Alert
	At report.Location
}

// AlertsSARIF writes the log as SARIF 2.1.0: every detection that ran is
// a rule, every alert a result at the audit log's line (when read from a
// file) and at the Kubernetes object, with the actor, verb, source IPs,
// user agent and auditID as properties. Input problems are tool execution
// notifications and mark the run unsuccessful.
func AlertsSARIF(w io.Writer, l *AlertLog) error {
	log, run, driver := sarifRun(l.Tool)
	ix := &checkIndex{byID: map[string]int{}}
	for _, m := range l.Rules {
		ix.add(m)
	}
	for _, a := range l.Alerts {
		ix.add(report.Check{ID: a.Rule, Title: a.Title, Severity: a.Severity, Controls: a.Controls})
	}
	for _, m := range ix.metas {
		driver.AddRule(sarifRule(m))
	}
	usesSrcRoot := false
	inv := sarif.NewInvocation().WithExecutionSuccessful(len(l.Problems) == 0).WithExitCode(l.ExitCode)
	for _, e := range l.Problems {
		n := sarif.NewNotification().WithLevel(sarif.LevelError).
			WithMessage(sarif.NewTextMessage(sarifText("not an audit event: " + e.Message)))
		if loc, rel := sarifPhysical(report.Location{File: e.File, Line: e.Line}); loc != nil {
			usesSrcRoot = usesSrcRoot || rel
			n.AddLocation(sarif.NewLocationWithPhysicalLocation(loc))
		}
		inv.AddToolExecutionNotification(n)
	}
	run.AddInvocation(inv)
	for _, a := range l.Alerts {
		usesSrcRoot = usesSrcRoot || relativeFile(a.At.File)
	}
	if usesSrcRoot {
		base := sarif.NewArtifactLocation().WithDescription(
			sarif.NewTextMessage("The directory bulwark ran in; relative paths in this log are relative to it."))
		run.WithOriginalUriBaseIds(map[string]sarif.ArtifactLocation{srcRoot: *base})
	}
	props := sarif.NewPropertyBag()
	props.Add("events", l.Events)
	if l.Suppressed != "" {
		props.Add("suppressed", l.Suppressed)
	}
	if l.FailOn != "" {
		props.Add("failOn", l.FailOn)
	}
	run.WithProperties(props)
	log.AddRun(run)
	return writeCompactSARIF(w, log, len(l.Alerts), func(i int) *sarif.Result {
		return alertResult(&l.Alerts[i], ix)
	})
}

func alertResult(a *LocatedAlert, ix *checkIndex) *sarif.Result {
	res := sarif.NewRuleResult(a.Rule).WithRuleIndex(ix.byID[a.Rule]).
		WithLevel(sarifLevel(a.Severity)).
		WithMessage(sarif.NewTextMessage(sarifText(oneLine(a.Message))))
	loc := sarif.NewLocation()
	if pl, _ := sarifPhysical(a.At); pl != nil {
		loc.WithPhysicalLocation(pl)
	}
	obj := sarif.NewLogicalLocation().WithFullyQualifiedName(sarifText(a.Object)).WithKind("resource")
	if a.Namespace != "" {
		obj.WithName(sarifText(strings.TrimPrefix(a.Object[strings.LastIndexByte(a.Object, ' ')+1:], a.Namespace+"/")))
	}
	loc.AddLogicalLocation(obj)
	res.AddLocation(loc)
	// One alert per request and detection: code scanning keeps it apart
	// from the same detection on another request.
	sum := sha256.Sum256([]byte(a.Rule + "\x00" + a.AuditID))
	res.WithPartialFingerprints(map[string]string{fingerprintKey: hex.EncodeToString(sum[:16])})
	props := sarif.NewPropertyBag()
	props.Add("actor", a.Actor)
	if len(a.Groups) > 0 {
		props.Add("groups", a.Groups)
	}
	if a.Impersonator != "" {
		props.Add("impersonator", a.Impersonator)
	}
	props.Add("verb", a.Verb)
	props.Add("object", a.Object)
	if a.Namespace != "" {
		props.Add("namespace", a.Namespace)
	}
	props.Add("sourceIPs", a.SourceIPs)
	if a.UserAgent != "" {
		props.Add("userAgent", a.UserAgent)
	}
	props.Add("auditID", a.AuditID)
	props.Add("time", a.Time)
	props.Add("source", a.Source)
	props.Add("security-severity", securitySeverity(a.Severity))
	res.WithProperties(props)
	return res
}

// AlertsTable writes the log for people at a terminal: each alert with
// its time, severity, rule, actor and object, then what it says, where it
// came from and its auditID; then the input problems and a summary.
func AlertsTable(w io.Writer, l *AlertLog, opt Options) error {
	bw := bufio.NewWriter(w)
	t := &tableWriter{w: bw, color: opt.Color}
	for _, a := range l.Alerts {
		ips := strings.Join(a.SourceIPs, ",")
		if ips == "" {
			ips = "-"
		}
		t.line("%s %s %s %s %s %s from %s", oneLine(a.Time), t.severity(a.Severity), t.style(ansiBold, oneLine(a.Rule)),
			oneLine(a.Actor), oneLine(a.Verb), oneLine(a.Object), oneLine(ips))
		t.line("    %s", oneLine(a.Message))
		t.line("    %s", t.style(ansiDim, "auditID "+oneLine(a.AuditID)+" at "+oneLine(a.Source)))
	}
	for _, e := range l.Problems {
		t.line("%s %s", t.style(ansiRed, "input error"), oneLine(fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)))
	}
	summary := fmt.Sprintf("%d events, %d %s", l.Events, len(l.Alerts), plural(len(l.Alerts), "alert", "alerts"))
	if l.Suppressed != "" {
		summary += " (" + l.Suppressed + ")"
	}
	if len(l.Problems) > 0 {
		summary += fmt.Sprintf(", %d %s", len(l.Problems), plural(len(l.Problems), "input problem", "input problems"))
	}
	t.line("%s", summary)
	return bw.Flush()
}
