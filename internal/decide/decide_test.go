package decide

import (
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/baseline"
	_ "github.com/bulwark-sec/bulwark/internal/checks"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/policy"
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t.Add(15 * time.Hour) // any time of the day counts as that day
}

func mustPolicy(t *testing.T, body string) *policy.Policy {
	t.Helper()
	p, err := policy.Parse("bulwark.yaml", []byte("apiVersion: bulwark.dev/v1alpha1\nkind: Policy\n"+body))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mk(id string, sev finding.Severity, name string) finding.Finding {
	s := finding.Subject{Kind: "Deployment", Namespace: "shop", Name: name}
	return finding.Finding{CheckID: id, Severity: sev, Subject: s, Field: "spec", Fingerprint: finding.Fingerprint(id, s, "spec")}
}

func TestGraceEdges(t *testing.T) {
	pol := mustPolicy(t, "gracePeriods: {critical: 0d, high: 14d}\n")
	high := mk("K8S-007", finding.SeverityHigh, "web")
	crit := mk("K8S-001", finding.SeverityCritical, "web")
	base := baseline.Update(nil, []finding.Finding{high, crit}, date("2026-11-01"))

	for _, tt := range []struct {
		now        string
		highStatus string
		critStatus string
	}{
		{"2026-11-01", "due 2026-11-15", "fail"}, // day 0; grace 0 fails the day it is seen
		{"2026-11-14", "due 2026-11-15", "fail"}, // the last day of grace
		{"2026-11-15", "fail", "fail"},           // due today: fails from its due date on
		{"2026-12-31", "fail", "fail"},
	} {
		out := (&Decider{Gate: Gate{FailOn: finding.SeverityHigh}, Policy: pol, Baseline: base, Now: date(tt.now)}).Apply([]finding.Finding{high, crit})
		if got := out.Findings[0].StatusText(); got != tt.highStatus {
			t.Errorf("%s: high finding %q, want %q", tt.now, got, tt.highStatus)
		}
		if got := out.Findings[1].StatusText(); got != tt.critStatus {
			t.Errorf("%s: critical finding %q, want %q", tt.now, got, tt.critStatus)
		}
		if out.Findings[0].Blocking != (tt.highStatus == "fail") {
			t.Errorf("%s: blocking %v for status %s", tt.now, out.Findings[0].Blocking, tt.highStatus)
		}
	}
}

func TestNewFindingsStartTheirClockToday(t *testing.T) {
	pol := mustPolicy(t, "gracePeriods: {high: 14d}\n")
	old := mk("K8S-007", finding.SeverityHigh, "web")
	fresh := mk("K8S-007", finding.SeverityHigh, "api")
	base := baseline.Update(nil, []finding.Finding{old}, date("2026-10-01"))
	out := (&Decider{Gate: Gate{FailOn: finding.SeverityHigh}, Policy: pol, Baseline: base, Now: date("2026-11-01")}).Apply([]finding.Finding{old, fresh})
	if got := out.Findings[0].StatusText(); got != "fail" {
		t.Errorf("old finding %q", got)
	}
	if got := out.Findings[1].StatusText(); got != "due 2026-11-15, new" || out.Findings[1].FirstSeen != "2026-11-01" {
		t.Errorf("new finding %q first seen %s", got, out.Findings[1].FirstSeen)
	}
	// --new-only: the baselined finding no longer blocks, the new one does.
	out = (&Decider{Gate: Gate{FailOn: finding.SeverityHigh}, Baseline: base, NewOnly: true, Now: date("2026-11-01")}).Apply([]finding.Finding{old, fresh})
	if out.Findings[0].Status != StatusBaselined || out.Findings[0].Blocking || out.Findings[1].Status != StatusFail || !out.Findings[1].New {
		t.Errorf("--new-only: %+v / %+v", out.Findings[0], out.Findings[1])
	}
}

func TestGraceWithoutBaselineWarns(t *testing.T) {
	pol := mustPolicy(t, "gracePeriods: {high: 14d}\n")
	out := (&Decider{Gate: Gate{FailOn: finding.SeverityHigh}, Policy: pol, Now: date("2026-11-01")}).Apply([]finding.Finding{mk("K8S-007", finding.SeverityHigh, "web")})
	if out.Findings[0].Status != StatusDue || len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "no baseline") {
		t.Errorf("status %s warnings %v", out.Findings[0].Status, out.Warnings)
	}
}

func TestExceptionExpiry(t *testing.T) {
	pol := mustPolicy(t, `exceptions:
- checks: [K8S-001]
  resources: {kind: Deploy*, name: web}
  reason: migration
  owner: team-a
  expires: 2026-11-10
- checks: [K8S-002]
  reason: nothing has it
  owner: team-b
  expires: 2027-01-01
`)
	f := mk("K8S-001", finding.SeverityCritical, "web")
	other := mk("K8S-001", finding.SeverityCritical, "api")
	for _, tt := range []struct {
		now      string
		status   string
		expState string
	}{
		{"2026-11-09", "excepted until 2026-11-10", "active"},
		{"2026-11-10", "excepted until 2026-11-10", "active"}, // valid through its expiry date
		{"2026-11-11", "fail", "expired"},                     // expired yesterday
	} {
		out := (&Decider{Gate: Gate{FailOn: finding.SeverityHigh}, Policy: pol, Now: date(tt.now)}).Apply([]finding.Finding{f, other})
		d := out.Findings[0]
		if d.StatusText() != tt.status || d.Blocking != (tt.status == "fail") {
			t.Errorf("%s: %q blocking %v, want %q", tt.now, d.StatusText(), d.Blocking, tt.status)
		}
		if d.Exception == nil || d.Exception.Source != "bulwark.yaml:4" || d.Exception.Expired != (tt.expState == "expired") {
			t.Errorf("%s: exception %+v", tt.now, d.Exception)
		}
		if out.Findings[1].Status != StatusFail {
			t.Errorf("%s: selector matched another object", tt.now)
		}
		if out.Exceptions[0].State != tt.expState || out.Exceptions[0].Matched != 1 || out.Exceptions[1].State != "unused" {
			t.Errorf("%s: exception states %+v", tt.now, out.Exceptions)
		}
		said := strings.Join(out.Warnings, "\n")
		if tt.expState == "expired" && !strings.Contains(said, "bulwark.yaml:4: exception (owner team-a) expired on 2026-11-10; the finding it covered counts again") {
			t.Errorf("%s: the run does not say the exception expired: %s", tt.now, said)
		}
		if !strings.Contains(said, "bulwark.yaml:9: exception (owner team-b) matched no finding") {
			t.Errorf("%s: unused exception not reported: %s", tt.now, said)
		}
	}
}

func TestSeverityOverrideAndGate(t *testing.T) {
	pol := mustPolicy(t, "severityOverrides: {K8S-029: critical}\n")
	f := mk("K8S-029", finding.SeverityLow, "web")
	out := (&Decider{Gate: Gate{FailOn: finding.SeverityHigh}, Policy: pol, Now: date("2026-11-01")}).Apply([]finding.Finding{f, mk("K8S-040", finding.SeverityMedium, "web")})
	if d := out.Findings[0]; d.Severity != finding.SeverityCritical || d.DefaultSeverity != "low" || d.Status != StatusFail {
		t.Errorf("override: %+v", d)
	}
	if d := out.Findings[1]; d.Status != StatusWarn || d.Blocking {
		t.Errorf("below threshold: %+v", d)
	}
	out = (&Decider{Gate: Gate{Never: true}, Now: date("2026-11-01")}).Apply([]finding.Finding{mk("K8S-001", finding.SeverityCritical, "web")})
	if out.Findings[0].Blocking {
		t.Error("--fail-on none blocked")
	}
}

// vulnerabilities.failOn gates only the vulnerability checks.
func TestVulnGate(t *testing.T) {
	crit := Gate{FailOn: finding.SeverityCritical}
	d := &Decider{Gate: Gate{FailOn: finding.SeverityMedium}, VulnGate: &crit, Now: date("2026-11-01")}
	out := d.Apply([]finding.Finding{
		mk("IMG-002", finding.SeverityHigh, "app"),     // vulnerability, below the vulnerability gate
		mk("IMG-001", finding.SeverityCritical, "app"), // vulnerability at the gate
		mk("IMG-010", finding.SeverityHigh, "app"),     // signature: the run's gate
	})
	for i, want := range []Status{StatusWarn, StatusFail, StatusFail} {
		if out.Findings[i].Status != want {
			t.Errorf("%s: %s, want %s", out.Findings[i].CheckID, out.Findings[i].Status, want)
		}
	}
}

func TestAnnotationExceptions(t *testing.T) {
	f := mk("K8S-029", finding.SeverityHigh, "web")
	obj := func(v string) func(finding.Subject) policy.Object {
		return func(finding.Subject) policy.Object {
			return policy.Object{Annotations: map[string]string{AnnotationKey: v}}
		}
	}
	allow := mustPolicy(t, "annotationExceptions: true\n")
	deny := mustPolicy(t, "")
	const ann = "K8S-001,K8S-029 until=2026-12-01 owner=team-a reason=legacy image writes to /var/cache"
	for _, tt := range []struct {
		name   string
		pol    *policy.Policy
		value  string
		now    string
		status Status
		warn   string
	}{
		{"allowed", allow, ann, "2026-11-01", StatusExcepted, ""},
		{"not allowed by the policy", deny, ann, "2026-11-01", StatusFail, "does not allow annotation exceptions"},
		{"expired", allow, ann, "2026-12-02", StatusFail, "expired on 2026-12-01"},
		{"other check", allow, "K8S-001 until=2026-12-01 reason=x", "2026-11-01", StatusFail, ""},
		{"malformed", allow, "K8S-029 reason=no date", "2026-11-01", StatusFail, "until=YYYY-MM-DD and reason=... are required"},
		{"until centuries away", allow, "K8S-029 until=2207-01-31 reason=x", "2026-11-01", StatusFail, `"2207-01-31" is out of range`},
		{"unknown id", allow, "K8S-0290 until=2026-12-01 reason=x", "2026-11-01", StatusFail, `unknown check id "K8S-0290"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := (&Decider{Gate: Gate{FailOn: finding.SeverityHigh}, Policy: tt.pol, Now: date(tt.now), Objects: obj(tt.value)}).Apply([]finding.Finding{f})
			d := out.Findings[0]
			if d.Status != tt.status {
				t.Errorf("status %s, want %s", d.Status, tt.status)
			}
			if tt.status == StatusExcepted && (!d.Exception.InSource || d.Exception.Reason != "legacy image writes to /var/cache" || d.Exception.Owner != "team-a") {
				t.Errorf("waiver %+v", d.Exception)
			}
			if said := strings.Join(out.Warnings, "\n"); !strings.Contains(said, tt.warn) || (tt.warn == "" && said != "") {
				t.Errorf("warnings %q, want %q", said, tt.warn)
			}
		})
	}
}

func TestParseFailOn(t *testing.T) {
	for _, s := range []string{"info", "low", "medium", "high", "critical", "none"} {
		g, err := ParseFailOn(s)
		if err != nil || g.String() != s {
			t.Errorf("ParseFailOn(%q) = %v, %v", s, g, err)
		}
	}
	if _, err := ParseFailOn("severe"); err == nil {
		t.Error("ParseFailOn accepted an unknown severity")
	}
}
