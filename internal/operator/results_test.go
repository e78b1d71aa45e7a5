package operator

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

func finding(check, kind, ns, name string, sev report.Severity, st report.Status) report.Finding {
	return report.Finding{CheckID: check, Title: check + " title", Severity: sev, Status: st,
		Subject: report.Subject{APIVersion: "v1", Kind: kind, Namespace: ns, Name: name},
		Field:   "spec.x", Message: check + " on " + name, Fingerprint: check + "/" + ns + "/" + name, FirstSeen: "2026-11-01"}
}

func TestContentOfScopes(t *testing.T) {
	rep := &report.Report{
		Findings: []report.Finding{
			finding("K8S-001", "Deployment", "shop", "web", report.SeverityCritical, report.StatusFail),
			finding("K8S-002", "Deployment", "other", "api", report.SeverityHigh, report.StatusFail),
			finding("K8S-003", "Namespace", "", "shop", report.SeverityLow, report.StatusWarn),
			finding("K8S-004", "ClusterRoleBinding", "", "admins", report.SeverityHigh, report.StatusExcepted),
		},
		Exceptions: []report.Exception{{Source: "bulwark.yaml:12", Checks: []string{"K8S-009"}, Owner: "ops", Reason: "migration", Expires: "2026-10-01", State: "expired", Matched: 2}},
		Coverage: []report.Coverage{{Kind: "Secret", Status: report.CoverageNotRead, Reason: "forbidden", NotAssessed: []string{"K8S-050"}},
			{Kind: "Pod", Status: report.CoverageNotApplicable, Reason: "elsewhere", NotAssessed: []string{"K8S-090"}}},
	}
	shop := contentOf(rep, scope{"shop"}, 100, nil)
	var got []string
	for _, r := range shop.Results {
		got = append(got, fmt.Sprintf("%s:%s:%s", r.Policy, r.Result, subjectKey(r)))
	}
	want := []string{"K8S-050:error:", "K8S-001:fail:Deployment/shop/web", "K8S-003:warn:Namespace//shop"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("shop results %v, want %v", got, want)
	}
	if shop.Summary.Fail != 1 || shop.Summary.Warn != 1 || shop.Summary.Error != 1 {
		t.Errorf("shop summary %+v", shop.Summary)
	}
	r := shop.Results[1]
	for k, v := range map[string]string{PropFingerprint: "K8S-001/shop/web", PropStatus: "fail", PropField: "spec.x", PropFirstSeen: "2026-11-01"} {
		if r.Properties[k] != v {
			t.Errorf("property %s = %q, want %q", k, r.Properties[k], v)
		}
	}
	cl := contentOf(rep, scope{""}, 100, nil)
	got = nil
	for _, r := range cl.Results {
		got = append(got, fmt.Sprintf("%s:%s:%s", r.Policy, r.Result, subjectKey(r)))
	}
	want = []string{"K8S-050:error:", PolicyException + ":warn:", "K8S-004:skip:ClusterRoleBinding//admins"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("cluster results %v, want %v", got, want)
	}
	if !strings.Contains(cl.Results[1].Description, "expired on 2026-10-01") {
		t.Errorf("expired exception: %q", cl.Results[1].Description)
	}
}

// A report holds at most max results; the others are counted in the
// summary and in one overflow result that names their checks.
func TestContentOfOverflow(t *testing.T) {
	rep := &report.Report{}
	for i := range 10 {
		rep.Findings = append(rep.Findings, finding("K8S-015", "Deployment", "shop", fmt.Sprintf("d%d", i), report.SeverityMedium, report.StatusWarn))
	}
	rep.Findings = append(rep.Findings, finding("K8S-001", "Deployment", "shop", "priv", report.SeverityCritical, report.StatusFail))
	c := contentOf(rep, scope{"shop"}, 4, nil)
	if len(c.Results) != 4 {
		t.Fatalf("%d results, want 4", len(c.Results))
	}
	if c.Results[0].Policy != "K8S-001" {
		t.Errorf("the most important result was not kept first: %s", c.Results[0].Policy)
	}
	last := c.Results[3]
	if last.Policy != PolicyOverflow || last.Properties["omitted"] != "8" || !strings.Contains(last.Description, "K8S-015 8") {
		t.Errorf("overflow result: %+v", last)
	}
	if c.Summary.Fail != 1 || c.Summary.Warn != 10 {
		t.Errorf("summary %+v does not count every result", c.Summary)
	}
	if n := c.counts[findingKey{"medium", "K8S-015", "warn"}]; n != 10 {
		t.Errorf("metrics count %d K8S-015 findings, want 10", n)
	}
	// Under the bound nothing is summarised.
	if c := contentOf(rep, scope{"shop"}, 11, nil); len(c.Results) != 11 || c.Results[10].Policy == PolicyOverflow {
		t.Errorf("11 results within a bound of 11: %d", len(c.Results))
	}
}

func TestBounded(t *testing.T) {
	long := strings.Repeat("é", maxMessage)
	b := bounded(long)
	if len(b) > maxMessage+len("…") || !strings.HasSuffix(b, "…") || !strings.HasPrefix(long, strings.TrimSuffix(b, "…")) {
		t.Errorf("bounded cut %d bytes badly", len(b))
	}
	if bounded("short") != "short" {
		t.Error("short message changed")
	}
}

// What a report holds reads back as the finding it was written from.
func TestFindingRoundTrip(t *testing.T) {
	f := finding("K8S-001", "Deployment", "shop", "web", report.SeverityCritical, report.StatusDue)
	f.Due, f.Location = "2026-12-01", report.Location{Resource: "/apis/apps/v1/namespaces/shop/deployments/web"}
	c := contentOf(&report.Report{Findings: []report.Finding{f}}, scope{"shop"}, 10, nil)
	got, err := findingOf(c.Results[0])
	if err != nil {
		t.Fatal(err)
	}
	want := f
	want.Blocking = false
	if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, want)
	}
	if c.Results[0].Result != "warn" {
		t.Errorf("a finding within its grace period is %q, want warn", c.Results[0].Result)
	}
	bad := c.Results[0]
	bad.Properties = map[string]string{PropFingerprint: "x", PropStatus: "bogus"}
	if _, err := findingOf(bad); err == nil {
		t.Error("unknown status read back without error")
	}
}

// TestImagesNotAssessed: what kept an IMG check from judging an image is
// an error result of that check, never a pass; a plain warning is none.
func TestImagesNotAssessed(t *testing.T) {
	notes := []scan.ImageNote{
		{Images: []string{"r.example/app:1"}, Checks: []string{"IMG-001", "IMG-002"}, Text: "IMG-001, IMG-002 not assessed: no scan record for sha256:aa"},
		{Images: []string{"r.example/app:1"}, Text: "signature of what the tag points to now not assessed"},
	}
	c := contentOf(&report.Report{}, scope{"shop"}, 10, notes)
	var ids []string
	for _, r := range c.Results {
		ids = append(ids, r.Policy)
		if r.Result != "error" || r.Properties[PropStatus] != StatusNotAssessed || !strings.Contains(r.Description, "no scan record") || !strings.Contains(r.Description, "r.example/app:1") {
			t.Errorf("result %+v", r)
		}
	}
	if !slices.Equal(ids, []string{"IMG-001", "IMG-002"}) || c.Summary.Error != 2 {
		t.Errorf("results %v, summary %+v", ids, c.Summary)
	}
	if c := contentOf(&report.Report{}, scope{"shop"}, 10, nil); len(c.Results) != 0 {
		t.Errorf("no notes, results %v", c.Results)
	}
}

// TestImageFindingsInTheNamespace: an image's finding (its subject has no
// namespace) belongs to the namespace whose workloads run it, not to the
// cluster report.
func TestImageFindingsInTheNamespace(t *testing.T) {
	f := finding("IMG-013", "Image", "", "r.example/app:1", report.SeverityHigh, report.StatusFail)
	f.Subject.APIVersion = "bulwark.dev/v1"
	rep := &report.Report{Findings: []report.Finding{f}}
	if c := contentOf(rep, scope{"shop"}, 10, nil); len(c.Results) != 1 || c.Results[0].Policy != "IMG-013" {
		t.Errorf("namespace report: %v", c.Results)
	}
	if c := contentOf(rep, scope{""}, 10, nil); len(c.Results) != 0 {
		t.Errorf("cluster report: %v", c.Results)
	}
}
