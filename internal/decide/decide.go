// Package decide applies the user's policy to what the checks found:
// severity overrides, exceptions (with owner, reason and a mandatory
// expiry), grace periods counted from the first time a finding was seen,
// --new-only against a baseline, and the gate threshold. The same step
// serves the CLI gate and, later, admission and the in-cluster operator.
package decide

import (
	"fmt"
	"time"

	"github.com/bulwark-sec/bulwark/internal/baseline"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/policy"
)

// Gate is the severity threshold.
type Gate struct {
	// FailOn is the lowest severity that fails the run.
	FailOn finding.Severity
	// Never, when set, makes no finding block (--fail-on none).
	Never bool
}

// ParseFailOn reads a --fail-on value: a severity or "none".
func ParseFailOn(s string) (Gate, error) {
	if s == "none" {
		return Gate{Never: true}, nil
	}
	sev, err := finding.ParseSeverity(s)
	if err != nil {
		return Gate{}, err
	}
	return Gate{FailOn: sev}, nil
}

func (g Gate) String() string {
	if g.Never {
		return "none"
	}
	return g.FailOn.String()
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

// Decided is a finding with the policy's verdict on it.
type Decided struct {
	// *Finding, not a copy: a large scan has a hundred thousand findings
	// and the engine's are not needed past the decision anyway.
	*finding.Finding
	Status Status `json:"status"`
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
}

// StatusText is the status as printed: fail, due 2026-12-10, excepted
// until 2027-01-31, warn or baselined, with "new" appended for findings
// absent from the baseline.
func (d *Decided) StatusText() string {
	s := string(d.Status)
	switch d.Status {
	case StatusDue:
		s += " " + d.Due
	case StatusExcepted:
		s += " until " + d.Exception.Expires
	}
	if d.New {
		s += ", new"
	}
	return s
}

// Waiver describes the exception applied to a finding.
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

// ExceptionState is what happened to one policy exception in a run.
type ExceptionState struct {
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

// Decider holds everything a decision depends on. Now is injected so that
// tests, and users asking "what fails next week" (--as-of), pin the date.
type Decider struct {
	Gate Gate
	// VulnGate, when set, is the gate of the vulnerability checks (area
	// "vulnerabilities"): the policy's vulnerabilities.failOn.
	VulnGate *Gate
	Policy   *policy.Policy
	Baseline *baseline.Baseline
	NewOnly  bool
	Now      time.Time
	// Objects gives the labels and annotations of a finding's subject,
	// for exception selectors and annotations; nil means none.
	Objects func(finding.Subject) policy.Object
}

func (d *Decider) gate(checkID string) Gate {
	if d.VulnGate != nil {
		if c, ok := check.Lookup(checkID); ok && c.Area == "vulnerabilities" {
			return *d.VulnGate
		}
	}
	return d.Gate
}

// Outcome is the decision on a whole run.
type Outcome struct {
	Findings   []Decided
	Exceptions []ExceptionState
	Warnings   []string
}

// Apply decides every finding, keeping their order.
func (d *Decider) Apply(fs []finding.Finding) Outcome {
	p := d.Begin()
	findings := make([]Decided, len(fs))
	for i := range fs {
		findings[i] = p.Decide(&fs[i])
	}
	out := p.Finish()
	out.Findings = findings
	return out
}

// Pass decides a run's findings one at a time (Decider.Begin, Decide for
// each in the report's order, Finish), for a caller that converts each
// decision as it goes instead of holding all of them.
type Pass struct {
	d          *Decider
	today      time.Time
	excs       []policy.Exception
	matched    []int
	index      *policy.Index
	candidates []int
	dates      dateCache
	annWarned  map[string]bool
	out        Outcome
}

// Begin starts a pass over a run's findings.
func (d *Decider) Begin() *Pass {
	p := &Pass{d: d, today: day(d.Now), dates: dateCache{}, annWarned: map[string]bool{}}
	if d.Policy != nil {
		p.excs = d.Policy.Exceptions
	}
	p.matched = make([]int, len(p.excs))
	p.index = d.Policy.NewIndex()
	return p
}

// Decide decides one finding. It may change f (a severity the policy
// overrides), which the result points to.
func (p *Pass) Decide(f *finding.Finding) Decided {
	dd := Decided{Finding: f}
	if sev := p.d.Policy.Severity(f.CheckID, f.Severity); sev != f.Severity {
		dd.DefaultSeverity = f.Severity.String()
		dd.Severity = sev
	}
	var obj policy.Object
	if p.d.Objects != nil {
		obj = p.d.Objects(f.Subject)
	}

	// Exceptions: the first live one wins; an expired one that covers
	// the finding is recorded so the run can say it no longer applies.
	p.candidates = p.index.Candidates(dd.Finding, obj, p.candidates)
	for _, j := range p.candidates {
		e := &p.excs[j]
		if !e.Covers(dd.Finding, obj) {
			continue
		}
		p.matched[j]++
		w := &Waiver{Source: e.Where(p.d.Policy.Source), Reason: e.Reason, Owner: e.Owner, Expires: e.Expires.String()}
		if p.today.After(e.Expires.Time) {
			w.Expired = true
			if dd.Exception == nil {
				dd.Exception = w
			}
			continue
		}
		dd.Exception = w
		break
	}
	if (dd.Exception == nil || dd.Exception.Expired) && obj.Annotations[AnnotationKey] != "" {
		if w, warn := p.d.annotation(*dd.Finding, obj.Annotations[AnnotationKey], p.today); w != nil {
			dd.Exception = w
		} else if warn != "" && !p.annWarned[f.Subject.String()+warn] {
			p.annWarned[f.Subject.String()+warn] = true
			p.out.Warnings = append(p.out.Warnings, fmt.Sprintf("%s: %s", f.Location, warn))
		}
	}

	// First seen: from the baseline, or today for a finding it lacks.
	first := p.today
	if p.d.Baseline != nil {
		if t, ok := p.d.Baseline.FirstSeen(f.Fingerprint); ok {
			first = t
		} else {
			dd.New = true
		}
	}
	dd.FirstSeen = p.dates.format(first)

	switch {
	case dd.Exception != nil && !dd.Exception.Expired:
		dd.Status = StatusExcepted
	case p.d.gate(f.CheckID).Never || dd.Severity < p.d.gate(f.CheckID).FailOn:
		dd.Status = StatusWarn
	case p.d.NewOnly && p.d.Baseline != nil && !dd.New:
		dd.Status = StatusBaselined
	default:
		dd.Status = StatusFail
		if days, ok := p.d.Policy.Grace(dd.Severity); ok {
			due := first.AddDate(0, 0, days)
			dd.Due = p.dates.format(due)
			// The finding fails from its due date on: "critical: 0d"
			// fails the day it is first seen.
			if p.today.Before(due) {
				dd.Status = StatusDue
			}
		}
	}
	dd.Blocking = dd.Status == StatusFail
	return dd
}

// Finish returns the exceptions' states and the run's warnings; Findings
// is nil.
func (p *Pass) Finish() Outcome {
	for j := range p.excs {
		e := &p.excs[j]
		st := ExceptionState{Source: e.Where(p.d.Policy.Source), Owner: e.Owner, Reason: e.Reason, Expires: e.Expires.String(), Matched: p.matched[j]}
		for _, c := range e.Checks {
			st.Checks = append(st.Checks, c.ID)
		}
		switch {
		case p.today.After(e.Expires.Time):
			st.State = "expired"
			covered := fmt.Sprintf("the %d findings it covered count again", p.matched[j])
			switch p.matched[j] {
			case 0:
				covered = "it matched no finding; remove it"
			case 1:
				covered = "the finding it covered counts again"
			}
			p.out.Warnings = append(p.out.Warnings, fmt.Sprintf("%s: exception (owner %s) expired on %s; %s", st.Source, e.Owner, st.Expires, covered))
		case p.matched[j] == 0:
			st.State = "unused"
			p.out.Warnings = append(p.out.Warnings, fmt.Sprintf("%s: exception (owner %s) matched no finding; remove it or fix its selector", st.Source, e.Owner))
		default:
			st.State = "active"
		}
		p.out.Exceptions = append(p.out.Exceptions, st)
	}
	if p.d.Policy.HasGrace() && p.d.Baseline == nil {
		p.out.Warnings = append(p.out.Warnings, "grace periods count from today because no baseline was read: every run restarts the clock until one is committed (bulwark baseline update)")
	}
	return p.out
}

// dateCache formats each day once: a large run would otherwise allocate
// the same few date strings for every finding.
type dateCache map[time.Time]string

func (c dateCache) format(t time.Time) string {
	s, ok := c[t]
	if !ok {
		s = t.Format(policy.DateLayout)
		c[t] = s
	}
	return s
}

// day truncates t to its UTC calendar day.
func day(t time.Time) time.Time {
	y, m, dd := t.UTC().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
}
