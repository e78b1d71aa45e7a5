package report

import (
	"fmt"
	"strings"
)

// The types below are the report's own: the engine's and the policy's
// structs (finding.Finding, decide.Decided, engine.CheckError, ...) are
// converted into them where a report is assembled (internal/scan), so a
// change to those internals cannot change the JSON layout, which
// docs/report.schema.json pins.

// Severity of a finding or check. It is ordered (Info lowest) and written
// as its name.
type Severity int

const (
	SeverityInfo Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity accepts the names String prints, in any case.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", s, strings.Join(severityNames[:], ", "))
}

// SeverityNames lists the severities from lowest to highest.
func SeverityNames() []string { return append([]string(nil), severityNames[:]...) }

func (s Severity) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(severityNames) {
		return nil, fmt.Errorf("report: no severity %d", int(s))
	}
	return []byte(severityNames[s]), nil
}

func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Status is the policy's verdict on one finding.
type Status string

const (
	// StatusFail: at or above the gate, past its due date: blocks the run.
	StatusFail Status = "fail"
	// StatusDue: at or above the gate but within its grace period.
	StatusDue Status = "due"
	// StatusExcepted: waived by an exception that has not expired.
	StatusExcepted Status = "excepted"
	// StatusWarn: below the gate threshold; reported only.
	StatusWarn Status = "warn"
	// StatusBaselined: already in the baseline while --new-only is set.
	StatusBaselined Status = "baselined"
)

// Statuses lists every status, in the order summaries print them.
var Statuses = []Status{StatusFail, StatusDue, StatusExcepted, StatusBaselined, StatusWarn}

// Subject names the object a finding is about.
type Subject struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

func (s Subject) String() string {
	if s.Namespace == "" {
		return s.Kind + "/" + s.Name
	}
	return s.Kind + "/" + s.Namespace + "/" + s.Name
}

// Location points at what a finding is about: a 1-based line and column
// in a file (Line 0: unknown), or the API path or Azure resource id of an
// object that did not come from a file.
type Location struct {
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	Resource string `json:"resource,omitempty"`
}

func (l Location) String() string {
	switch {
	case l.File == "" && l.Resource != "":
		return l.Resource
	case l.File == "":
		return ""
	case l.Line == 0:
		return l.File
	case l.Column == 0:
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	}
	return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
}

// Finding is one violation of one check by one subject, with the policy's
// verdict on it.
type Finding struct {
	CheckID  string   `json:"checkID"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	Subject  Subject  `json:"subject"`
	Location Location `json:"location"`
	// Field is the path of the offending field, e.g.
	// spec.template.spec.containers[0].securityContext.privileged.
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	// Evidence is the offending value as it may be shown; secret values
	// are masked.
	Evidence    string `json:"evidence,omitempty"`
	Fingerprint string `json:"fingerprint"`
	// Advisories are the vulnerability ids (OSV id and aliases) of a
	// vulnerability finding.
	Advisories []string `json:"advisories,omitempty"`
	Status     Status   `json:"status"`
	// Blocking is true when this finding alone fails the run.
	Blocking bool `json:"blocking"`
	// New is true when a baseline was read and the finding is not in it.
	New bool `json:"new,omitempty"`
	// FirstSeen is from the baseline, or the run's date for new findings.
	FirstSeen string `json:"firstSeen,omitempty"`
	// Due is the date from which the finding fails, when a grace period
	// applies.
	Due string `json:"due,omitempty"`
	// Exception is the exception that waives (or, expired, no longer
	// waives) the finding.
	Exception *Waiver `json:"exception,omitempty"`
	// DefaultSeverity is the check's own severity when the policy
	// overrode it.
	DefaultSeverity string `json:"defaultSeverity,omitempty"`
	// Related, on the primary finding of a group with one root cause,
	// lists the group's other findings; RelatedTo, on each of those, is
	// the primary's fingerprint. Set by Relate, for presentation only.
	Related   []Related `json:"related,omitempty"`
	RelatedTo string    `json:"relatedTo,omitempty"`
	// AttackPaths counts the attack paths the finding opens a hop of;
	// such findings are listed before the same findings elsewhere.
	AttackPaths int `json:"attackPaths,omitempty"`
}

// StatusText is the status as printed: fail, due 2026-12-10, excepted
// until 2027-01-31, warn or baselined, with "new" appended for findings
// absent from the baseline.
func (f *Finding) StatusText() string {
	s := string(f.Status)
	switch f.Status {
	case StatusDue:
		s += " " + f.Due
	case StatusExcepted:
		if f.Exception != nil {
			s += " until " + f.Exception.Expires
		}
	}
	if f.New {
		s += ", new"
	}
	return s
}

// Related names a finding grouped under a primary one.
type Related struct {
	CheckID     string `json:"checkID"`
	Fingerprint string `json:"fingerprint"`
	Field       string `json:"field,omitempty"`
}

// Waiver is the exception applied to a finding.
type Waiver struct {
	// Source is where it is written: bulwark.yaml:12, or
	// annotation bulwark.dev/except on the object.
	Source  string `json:"source"`
	Reason  string `json:"reason"`
	Owner   string `json:"owner,omitempty"`
	Expires string `json:"expires"`
	// Expired is true when the exception matched but no longer applies.
	Expired bool `json:"expired,omitempty"`
	// InSource is true for per-object annotations.
	InSource bool `json:"inSource,omitempty"`
}

// Exception is what happened to one policy exception in a run.
type Exception struct {
	Source  string   `json:"source"`
	Checks  []string `json:"checks"`
	Owner   string   `json:"owner"`
	Reason  string   `json:"reason"`
	Expires string   `json:"expires"`
	// State is active (waived findings), expired (past its date: its
	// findings count again) or unused (matched nothing).
	State   string `json:"state"`
	Matched int    `json:"matched"`
}

// CheckError is a check that failed on an object: that object is not
// assessed by that check, and the run ends in "error".
type CheckError struct {
	CheckID string   `json:"checkID"`
	Subject Subject  `json:"subject"`
	Loc     Location `json:"location"`
	Err     string   `json:"error"`
}

func (e CheckError) String() string {
	return fmt.Sprintf("%s: check %s on %s: %s", e.Loc, e.CheckID, e.Subject, e.Err)
}

// KindCount is how many objects of one kind were read.
type KindCount struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// Controls are the frameworks a check serves.
type Controls struct {
	// ASB are Azure Security Benchmark v3 control ids (e.g. PV-4, IM-8).
	ASB []string `json:"asb,omitempty"`
	// CIS are CIS AKS Benchmark v1.8.0 recommendation numbers.
	CIS []string `json:"cis,omitempty"`
	// PSS names the Pod Security Standards level and check, e.g.
	// "baseline/privileged".
	PSS string `json:"pss,omitempty"`
	// MITRE are MITRE ATT&CK for Containers technique ids (T1609,
	// T1078.001) a detection sees used.
	MITRE []string `json:"mitre,omitempty"`
	// Practice is the AKS security practice the check belongs to.
	Practice string `json:"practice"`
}
