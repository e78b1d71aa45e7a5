package scan

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/baseline"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/policy"
	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/schematest"
)

// jsonOf is the report as `--format json` writes it.
func jsonOf(t *testing.T, rep *report.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := render.JSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// crashing is a check whose evaluation panics on every Pod: the engine
// records a check error for each.
var crashing = &check.Check{
	Meta: check.Meta{ID: "K8S-999", Title: "Crashes", Severity: finding.SeverityLow, Area: "pod-security",
		Description: "Panics.", Remediation: "None.", Controls: check.Controls{Practice: "container"},
		Kinds: []string{"Pod"}, Sources: []check.Source{check.Manifests}},
	Eval: func(*check.Context, *inventory.Object, *check.Report) { panic("boom") },
}

// schemaReports are real reports of every shape a run produces: files,
// files with a policy and a baseline, unreadable input, a crashed check,
// a live cluster with coverage, and the Azure side of AKS.
func schemaReports(t *testing.T) map[string]*report.Report {
	t.Helper()
	out := map[string]*report.Report{}
	manifests := func(name string, opt Options, paths ...string) {
		rep, err := Manifests(t.Context(), paths, opt)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = rep
	}
	manifests("insecure", options(), "../../examples/insecure")
	manifests("hardened", options(), "../../examples/hardened")
	manifests("malformed", options(), "../cli/testdata/malformed")

	pol, err := policy.Load("../cli/testdata/policy/bulwark.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base, err := baseline.Load("../cli/testdata/policy/baseline.json", options().Now)
	if err != nil {
		t.Fatal(err)
	}
	withPolicy := options()
	withPolicy.Gate = decide.Gate{FailOn: finding.SeverityMedium}
	withPolicy.Policy, withPolicy.Baseline, withPolicy.BaselineFile = pol, base, "baseline.json"
	manifests("policy", withPolicy, "../cli/testdata/bad")
	withPolicy.NewOnly = true
	manifests("new-only", withPolicy, "../cli/testdata/bad")

	crash := options()
	for _, c := range check.All() {
		if c.RunsOnAny([]check.Source{check.Manifests}) {
			crash.Checks = append(crash.Checks, c)
		}
	}
	crash.Checks = append(crash.Checks, crashing)
	manifests("check-errors", crash, "../../examples/insecure")

	for name, forbidden := range map[string][]string{"cluster": nil, "cluster-forbidden": {"ServiceAccount", "Secret"}} {
		rep, err := Collected(collected(t, livePods, forbidden, []string{"Ingress"}), options())
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rep
	}
	for _, dir := range []string{"default", "hardened", "arm", "bicep", "terraform"} {
		opt := aksOptions(filepath.Join("../../examples/aks", dir))
		// As the CLI sets them: a zero PSS setting would be written as
		// pssLevel "" and pssVersion "v0.0", which the schema rejects.
		opt.Settings = options().Settings
		rep, err := AKS(t.Context(), opt)
		if err != nil {
			t.Fatal(err)
		}
		out["aks-"+dir] = rep
	}
	// A fleet: one cluster assessed, one that answers 403.
	fs := fleet(t, "aks-a", "aks-denied")
	fs.DenyClusters = map[string]bool{"aks-denied": true}
	fo := fleetOptions(fs)
	fo.Settings = options().Settings
	res, err := Fleet(t.Context(), fo)
	if err != nil {
		t.Fatal(err)
	}
	out["fleet"] = res.Report
	return out
}

// TestReportsMatchSchema validates real reports against
// docs/report.schema.json, the layout's contract. The reports between
// them carry every status, coverage rows, input and check errors,
// exceptions and related findings, so each part of the schema is used.
func TestReportsMatchSchema(t *testing.T) {
	reports := schemaReports(t)
	seen := map[string]bool{}
	for name, rep := range reports {
		if err := schematest.Validate(jsonOf(t, rep)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		for _, f := range rep.Findings {
			seen["status "+string(f.Status)] = true
			seen["exception"] = seen["exception"] || f.Exception != nil
			seen["related"] = seen["related"] || len(f.Related) > 0
			seen["new"] = seen["new"] || f.New
		}
		for _, c := range rep.Coverage {
			seen["coverage "+c.Status] = true
		}
		seen["errors"] = seen["errors"] || len(rep.Errors) > 0
		seen["checkErrors"] = seen["checkErrors"] || len(rep.CheckErrors) > 0
		seen["exceptions"] = seen["exceptions"] || len(rep.Exceptions) > 0
		seen["skipped"] = seen["skipped"] || len(rep.Inventory.Skipped) > 0
	}
	// The reports must exercise what the schema constrains, or a
	// validation that passes says little.
	for _, want := range []string{"status fail", "status due", "status excepted", "status baselined", "status warn",
		"exception", "related", "new", "coverage read", "coverage not-read", "coverage not-served", "coverage not-applicable",
		"errors", "checkErrors", "exceptions"} {
		if !seen[want] {
			t.Errorf("no report has %s", want)
		}
	}
}

// TestSchemaRejects: reports that break the contract fail validation, so
// TestReportsMatchSchema can fail.
func TestSchemaRejects(t *testing.T) {
	reports := schemaReports(t)
	for _, tt := range []struct {
		name   string
		report string
		change func(r map[string]any)
	}{
		{"finding without fingerprint", "insecure", func(r map[string]any) { delete(finding0(r), "fingerprint") }},
		{"finding without severity", "insecure", func(r map[string]any) { delete(finding0(r), "severity") }},
		{"unknown severity", "insecure", func(r map[string]any) { finding0(r)["severity"] = "severe" }},
		{"severity as a number", "insecure", func(r map[string]any) { finding0(r)["severity"] = 3 }},
		{"unknown status", "insecure", func(r map[string]any) { finding0(r)["status"] = "ignored" }},
		{"unknown finding field", "insecure", func(r map[string]any) { finding0(r)["score"] = 9.8 }},
		{"unknown top-level field", "insecure", func(r map[string]any) { r["extra"] = []any{} }},
		{"findings missing", "insecure", func(r map[string]any) { delete(r, "findings") }},
		{"findings null", "insecure", func(r map[string]any) { r["findings"] = nil }},
		{"other schema version", "insecure", func(r map[string]any) { r["schemaVersion"] = "bulwark.dev/report/v2" }},
		{"short fingerprint", "insecure", func(r map[string]any) { finding0(r)["fingerprint"] = "5c0f" }},
		{"failing finding not blocking", "insecure", func(r map[string]any) {
			for _, f := range r["findings"].([]any) {
				if f := f.(map[string]any); f["status"] == "fail" {
					f["blocking"] = false
				}
			}
		}},
		{"pass with blocking findings", "insecure", func(r map[string]any) { r["summary"].(map[string]any)["result"] = "pass" }},
		{"unknown result", "insecure", func(r map[string]any) { r["summary"].(map[string]any)["result"] = "ok" }},
		{"severity count missing", "insecure", func(r map[string]any) { delete(r["summary"].(map[string]any)["bySeverity"].(map[string]any), "info") }},
		{"input errors but result fail", "malformed", func(r map[string]any) {
			s := r["summary"].(map[string]any)
			s["result"], s["exitCode"] = "fail", 1
		}},
		{"check errors but result fail", "check-errors", func(r map[string]any) {
			s := r["summary"].(map[string]any)
			s["result"], s["exitCode"] = "fail", 1
		}},
		{"check without practice", "insecure", func(r map[string]any) {
			delete(r["checks"].([]any)[0].(map[string]any)["controls"].(map[string]any), "practice")
		}},
		{"unknown coverage status", "cluster", func(r map[string]any) { r["coverage"].([]any)[0].(map[string]any)["status"] = "partial" }},
		{"not-read without reason", "cluster-forbidden", func(r map[string]any) {
			for _, c := range r["coverage"].([]any) {
				if c := c.(map[string]any); c["status"] == "not-read" {
					delete(c, "reason")
				}
			}
		}},
		{"unknown exception state", "policy", func(r map[string]any) { r["exceptions"].([]any)[0].(map[string]any)["state"] = "pending" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var r map[string]any
			if err := json.Unmarshal(jsonOf(t, reports[tt.report]), &r); err != nil {
				t.Fatal(err)
			}
			tt.change(r)
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := schematest.Validate(b); err == nil {
				t.Errorf("the schema accepts a report with %s", tt.name)
			} else if testing.Verbose() {
				t.Log(strings.SplitN(err.Error(), "\n", 3)[:2])
			}
		})
	}
}

func finding0(r map[string]any) map[string]any {
	return r["findings"].([]any)[0].(map[string]any)
}

// TestReportConversionKeepsValues: the report's severities and statuses
// are the engine's and the policy's, name for name.
func TestReportConversionKeepsValues(t *testing.T) {
	for _, n := range finding.SeverityNames() {
		s, err := finding.ParseSeverity(n)
		if err != nil {
			t.Fatal(err)
		}
		if got := reportSeverity(s); got.String() != n {
			t.Errorf("severity %s became %s", n, got)
		}
	}
	if got := reportSeverity(finding.Severity(99)); got >= report.SeverityInfo && got <= report.SeverityCritical {
		t.Errorf("an unknown severity became %s", got)
	}
	for _, st := range decide.Statuses {
		found := false
		for _, rs := range report.Statuses {
			found = found || string(rs) == string(st)
		}
		if !found {
			t.Errorf("status %s is not a report status", st)
		}
	}
	if len(decide.Statuses) != len(report.Statuses) {
		t.Errorf("statuses: decide %v, report %v", decide.Statuses, report.Statuses)
	}
}
