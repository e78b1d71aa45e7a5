package scan

import (
	"time"

	"github.com/bulwark-sec/bulwark/internal/baseline"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/report"
)

// The report has types of its own so that the JSON layout does not follow
// the engine's and the policy's structs. This file is the one place they
// are converted. Findings and checks are copied field by field, so what the
// engine adds to them stays out of the report until it is added here (and
// to the schema). Smaller structs that mirror an internal one
// (report.Subject(s)) use a struct conversion: a field added to the
// internal struct stops the build here, and whether it belongs in the
// report is decided on purpose.

func reportFinding(d *decide.Decided) report.Finding {
	f := d.Finding
	out := report.Finding{
		CheckID: f.CheckID, Title: f.Title, Severity: reportSeverity(f.Severity),
		Subject: report.Subject(f.Subject), Location: report.Location(f.Location),
		Field: f.Field, Message: f.Message, Evidence: f.Evidence, Fingerprint: f.Fingerprint,
		Advisories: f.Advisories,
		Status:     report.Status(d.Status), Blocking: d.Blocking, New: d.New,
		FirstSeen: d.FirstSeen, Due: d.Due, DefaultSeverity: d.DefaultSeverity,
	}
	if d.Exception != nil {
		w := report.Waiver(*d.Exception)
		out.Exception = &w
	}
	return out
}

// reportSeverity maps by name. A severity the report does not know stays
// out of range, so writing the report fails instead of showing another.
func reportSeverity(s finding.Severity) report.Severity {
	switch s {
	case finding.SeverityInfo:
		return report.SeverityInfo
	case finding.SeverityLow:
		return report.SeverityLow
	case finding.SeverityMedium:
		return report.SeverityMedium
	case finding.SeverityHigh:
		return report.SeverityHigh
	case finding.SeverityCritical:
		return report.SeverityCritical
	}
	return -1
}

func reportExceptions(es []decide.ExceptionState) []report.Exception {
	out := make([]report.Exception, len(es))
	for i, e := range es {
		out[i] = report.Exception(e)
	}
	return out
}

func reportCheckErrors(es []engine.CheckError) []report.CheckError {
	out := make([]report.CheckError, len(es))
	for i, e := range es {
		out[i] = report.CheckError{CheckID: e.CheckID, Subject: report.Subject(e.Subject), Loc: report.Location(e.Loc), Err: e.Err}
	}
	return out
}

func reportKinds(ks []inventory.KindCount) []report.KindCount {
	out := make([]report.KindCount, len(ks))
	for i, k := range ks {
		out[i] = report.KindCount(k)
	}
	return out
}

// reportCheck is the report's view of a check's declaration: fields added
// to check.Meta for the engine's use (sources, image aspects) stay out.
func reportCheck(m check.Meta) report.Check {
	return report.Check{ID: m.ID, Title: m.Title, Severity: reportSeverity(m.Severity), Area: m.Area,
		Description: m.Description, Remediation: m.Remediation, Controls: report.Controls(m.Controls),
		Kinds: m.Kinds, Reads: m.Reads}
}

// UpdateBaseline is the baseline after a run that produced rep on day now
// (see baseline.Update, which reads a finding's identity: check id,
// subject, field and fingerprint).
func UpdateBaseline(old *baseline.Baseline, rep *report.Report, now time.Time) *baseline.Baseline {
	fs := make([]finding.Finding, len(rep.Findings))
	for i, f := range rep.Findings {
		fs[i] = finding.Finding{CheckID: f.CheckID, Subject: finding.Subject(f.Subject), Field: f.Field, Fingerprint: f.Fingerprint}
	}
	return baseline.Update(old, fs, now)
}

// ReportCatalog describes every check Bulwark knows as the report lists
// checks: what a posture report counts as "not assessed" when a run did
// not include them.
func ReportCatalog() []report.Check {
	return reportChecks(check.All(), nil)
}

// ReportChecks describes cs as a report lists checks.
func ReportChecks(cs []*check.Check) []report.Check {
	out := make([]report.Check, len(cs))
	for i, c := range cs {
		out[i] = reportCheck(c.Meta)
	}
	return out
}

// DescribeChecks describes the catalog's checks of ids as a report lists
// them (for reports read back from elsewhere, such as the operator's);
// ids the catalog does not know are left out.
func DescribeChecks(ids []string) []report.Check {
	var out []report.Check
	for _, id := range ids {
		if c, ok := check.Lookup(id); ok {
			out = append(out, reportCheck(c.Meta))
		}
	}
	return out
}

// ReportSeverity is the report's name for a check's severity, for
// entry points that report outside a Report (bulwark detect's alerts).
func ReportSeverity(s finding.Severity) report.Severity { return reportSeverity(s) }
