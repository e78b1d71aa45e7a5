package operator

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	openreports "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

// Source is the source of every result Bulwark writes.
const Source = "bulwark"

// Properties of a result. Reading the reports back (Read) and keeping
// first-seen dates across restarts depend on them.
const (
	PropFingerprint = "fingerprint"
	PropStatus      = "status"
	PropField       = "field"
	PropTitle       = "title"
	PropFirstSeen   = "firstSeen"
	PropDue         = "due"
	PropResource    = "resource"
	PropException   = "exception"
)

// Pseudo-policies of results that are not findings.
const (
	// PolicyOverflow summarises the results a report could not hold.
	PolicyOverflow = "bulwark-overflow"
	// PolicyException is an exception of the policy that expired.
	PolicyException = "bulwark-exception"
)

// StatusNotAssessed is the status of a check that could not judge what
// the report covers (a kind it reads could not be read).
const StatusNotAssessed = "not-assessed"

// DefaultMaxResults bounds the results of one report: at about 500 bytes
// a result, a report stays well under etcd's 1.5 MiB object limit.
const DefaultMaxResults = 500

// maxMessage bounds one result's message.
const maxMessage = 1024

// content is what a report holds, independent of its kind.
type content struct {
	Summary openreports.ReportSummary
	Results []openreports.ReportResult
	Limits  openreports.Limits
	// counts are the findings by severity, check and status, also those
	// the overflow left out (for the metrics).
	counts map[findingKey]int
}

// scope is what a report covers: a namespace, or the cluster ("").
type scope struct{ namespace string }

// owns says whether a finding's subject belongs in the report of sc: a
// namespace's report has the objects in it, the Namespace itself and the
// images its workloads run (only a namespace's evaluation judges images);
// the cluster report has every other cluster-scoped subject.
func (sc scope) owns(s report.Subject) bool {
	image := s.APIVersion == imagescan.APIVersion && s.Kind == imagescan.Kind
	if sc.namespace == "" {
		return s.Namespace == "" && s.Kind != "Namespace" && !image
	}
	return s.Namespace == sc.namespace || (s.Namespace == "" && s.Kind == "Namespace" && s.Name == sc.namespace) || image
}

// resultOf maps a finding's status to an OpenReports result: a finding
// that blocks is a fail; one within its grace period or below the gate a
// warn; an excepted or baselined one a skip.
func resultOf(st report.Status) openreports.Result {
	switch st {
	case report.StatusFail:
		return "fail"
	case report.StatusExcepted, report.StatusBaselined:
		return "skip"
	}
	return "warn"
}

// contentOf turns the findings of rep that sc owns, the checks rep could
// not assess and, for the cluster, the expired exceptions into results, at
// most max of them: the rest are counted in the summary and described by
// one overflow result, never dropped silently.
func contentOf(rep *report.Report, sc scope, max int, notes []scan.ImageNote) content {
	if max < 2 {
		max = 2
	}
	var rs []openreports.ReportResult
	for _, f := range rep.Findings {
		if !sc.owns(f.Subject) {
			continue
		}
		r := openreports.ReportResult{
			Source:      Source,
			Policy:      f.CheckID,
			Severity:    openreports.ResultSeverity(f.Severity.String()),
			Result:      resultOf(f.Status),
			Description: bounded(f.Message),
			Subjects: []corev1.ObjectReference{{APIVersion: f.Subject.APIVersion, Kind: f.Subject.Kind,
				Namespace: f.Subject.Namespace, Name: f.Subject.Name}},
			Properties: map[string]string{
				PropFingerprint: f.Fingerprint,
				PropStatus:      string(f.Status),
				PropTitle:       f.Title,
				PropFirstSeen:   f.FirstSeen,
			},
		}
		for k, v := range map[string]string{PropField: f.Field, PropDue: f.Due, PropResource: f.Location.Resource} {
			if v != "" {
				r.Properties[k] = v
			}
		}
		if f.Exception != nil && f.Exception.Expired {
			r.Properties[PropException] = "expired " + f.Exception.Expires
		}
		rs = append(rs, r)
	}
	rs = append(rs, notAssessed(rep)...)
	rs = append(rs, imagesNotAssessed(notes)...)
	if sc.namespace == "" {
		for _, e := range rep.Exceptions {
			if e.State != "expired" {
				continue
			}
			rs = append(rs, openreports.ReportResult{
				Source: Source, Policy: PolicyException, Result: "warn",
				Description: bounded(fmt.Sprintf("the exception for %s (owner %s: %s) expired on %s; the findings it waived count again (%d matched)",
					strings.Join(e.Checks, ", "), e.Owner, e.Reason, e.Expires, e.Matched)),
				Properties: map[string]string{PropStatus: "expired", "source": e.Source},
			})
		}
	}
	slices.SortStableFunc(rs, compareResults)
	c := content{Results: rs, Limits: openreports.Limits{MaxResults: max}, counts: countFindings(rs)}
	for _, r := range rs {
		count(&c.Summary, r.Result)
	}
	if len(rs) > max {
		kept, over := rs[:max-1], rs[max-1:]
		c.Results = append(slices.Clip(kept), overflow(over, len(rs)))
	}
	if c.Results == nil {
		c.Results = []openreports.ReportResult{}
	}
	return c
}

// notAssessed are one error result per check that could not assess a kind
// it reads: the report's verdict is incomplete, and says so.
func notAssessed(rep *report.Report) []openreports.ReportResult {
	reasons := map[string][]string{}
	for _, cov := range rep.Coverage {
		if cov.Status != report.CoverageNotRead {
			continue
		}
		for _, id := range cov.NotAssessed {
			reasons[id] = append(reasons[id], cov.Kind+": "+cov.Reason)
		}
	}
	var out []openreports.ReportResult
	for _, id := range slices.Sorted(maps.Keys(reasons)) {
		out = append(out, openreports.ReportResult{
			Source: Source, Policy: id, Result: "error",
			Description: bounded("not assessed: " + strings.Join(reasons[id], "; ")),
			Properties:  map[string]string{PropStatus: StatusNotAssessed},
		})
	}
	for _, e := range rep.CheckErrors {
		out = append(out, openreports.ReportResult{
			Source: Source, Policy: e.CheckID, Result: "error",
			Description: bounded("not assessed: " + e.Err),
			Subjects: []corev1.ObjectReference{{APIVersion: e.Subject.APIVersion, Kind: e.Subject.Kind,
				Namespace: e.Subject.Namespace, Name: e.Subject.Name}},
			Properties: map[string]string{PropStatus: StatusNotAssessed},
		})
	}
	return out
}

// imagesNotAssessed are one error result per check and reason that kept
// the check from judging images: an image without a scan record, a
// signature or tag the operator did not ask the registry about. They are
// never passes.
func imagesNotAssessed(notes []scan.ImageNote) []openreports.ReportResult {
	var out []openreports.ReportResult
	for _, n := range notes {
		for _, id := range n.Checks {
			out = append(out, openreports.ReportResult{
				Source: Source, Policy: id, Result: "error",
				Description: bounded("not assessed: " + render.OneLine(n.String())),
				Properties:  map[string]string{PropStatus: StatusNotAssessed},
			})
		}
	}
	return out
}

var resultOrder = map[openreports.Result]int{"error": 0, "fail": 1, "warn": 2, "skip": 3, "pass": 4}
var severityOrder = map[openreports.ResultSeverity]int{"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4, "": 5}

// compareResults orders what matters first, so that an overflow drops the
// least important results.
func compareResults(a, b openreports.ReportResult) int {
	return cmp.Or(
		cmp.Compare(resultOrder[a.Result], resultOrder[b.Result]),
		cmp.Compare(severityOrder[a.Severity], severityOrder[b.Severity]),
		cmp.Compare(a.Policy, b.Policy),
		cmp.Compare(subjectKey(a), subjectKey(b)),
		cmp.Compare(a.Properties[PropFingerprint], b.Properties[PropFingerprint]),
	)
}

func subjectKey(r openreports.ReportResult) string {
	if len(r.Subjects) == 0 {
		return ""
	}
	s := r.Subjects[0]
	return s.Kind + "/" + s.Namespace + "/" + s.Name
}

// overflow describes the results a report leaves out.
func overflow(over []openreports.ReportResult, total int) openreports.ReportResult {
	var sum openreports.ReportSummary
	byCheck := map[string]int{}
	for _, r := range over {
		count(&sum, r.Result)
		byCheck[r.Policy]++
	}
	ids := slices.SortedFunc(maps.Keys(byCheck), func(a, b string) int {
		return cmp.Or(cmp.Compare(byCheck[b], byCheck[a]), cmp.Compare(a, b))
	})
	var parts []string
	for _, id := range ids[:min(len(ids), 10)] {
		parts = append(parts, fmt.Sprintf("%s %d", id, byCheck[id]))
	}
	if len(ids) > 10 {
		parts = append(parts, fmt.Sprintf("%d more checks", len(ids)-10))
	}
	return openreports.ReportResult{
		Source: Source, Policy: PolicyOverflow, Result: "warn",
		Description: bounded(fmt.Sprintf("%d of %d results are not listed (the report holds at most %d): fail %d, warn %d, error %d, skip %d; by check: %s. The summary counts them all; bulwark scan cluster lists every one.",
			len(over), total, total-len(over)+1, sum.Fail, sum.Warn, sum.Error, sum.Skip, strings.Join(parts, ", "))),
		Properties: map[string]string{PropStatus: "overflow", "omitted": fmt.Sprint(len(over))},
	}
}

func count(s *openreports.ReportSummary, r openreports.Result) {
	switch r {
	case "pass":
		s.Pass++
	case "fail":
		s.Fail++
	case "warn":
		s.Warn++
	case "error":
		s.Error++
	case "skip":
		s.Skip++
	}
}

func bounded(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	cut := maxMessage
	for cut > 0 && s[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}

// Labels of the reports Bulwark writes.
var reportLabels = map[string]string{"app.kubernetes.io/managed-by": "bulwark"}

// Report and cluster report names.
const (
	ReportName        = "bulwark"
	ClusterReportName = "bulwark-cluster"
)

func newReport(namespace string, c content) *openreports.Report {
	return &openreports.Report{
		TypeMeta:      metav1.TypeMeta{APIVersion: openreports.GroupVersion.String(), Kind: "Report"},
		ObjectMeta:    metav1.ObjectMeta{Name: ReportName, Namespace: namespace, Labels: maps.Clone(reportLabels)},
		Source:        Source,
		Scope:         &corev1.ObjectReference{APIVersion: "v1", Kind: "Namespace", Name: namespace},
		Configuration: &openreports.ReportConfiguration{Limits: c.Limits},
		Summary:       c.Summary,
		Results:       c.Results,
	}
}

func newClusterReport(c content) *openreports.ClusterReport {
	return &openreports.ClusterReport{
		TypeMeta:      metav1.TypeMeta{APIVersion: openreports.GroupVersion.String(), Kind: "ClusterReport"},
		ObjectMeta:    metav1.ObjectMeta{Name: ClusterReportName, Labels: maps.Clone(reportLabels)},
		Source:        Source,
		Configuration: &openreports.ReportConfiguration{Limits: c.Limits},
		Summary:       c.Summary,
		Results:       c.Results,
	}
}
