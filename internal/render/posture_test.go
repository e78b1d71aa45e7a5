package render

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// hostile is text from an input that tries to break out of the page.
const hostile = "<script>alert(1)</script>\x1b[31m|`*\u202e"

func postureReport() *report.Report {
	rep := &report.Report{SchemaVersion: report.SchemaVersion, Command: "assess", Targets: []string{"deploy"}, Settings: report.Settings{AsOf: "2026-11-26"},
		Checks: []report.Check{
			{ID: "K8S-001", Title: "Privileged", Severity: report.SeverityCritical, Controls: report.Controls{ASB: []string{"PV-4"}, CIS: []string{"4.2.1"}, Practice: "container"}, Remediation: "set privileged: false\n\x07done"},
			{ID: "K8S-060", Title: "Token", Severity: report.SeverityLow, Controls: report.Controls{ASB: []string{"PA-7"}, Practice: "identity-rbac"}},
			{ID: "K8S-102", Title: "Secrets", Severity: report.SeverityHigh, Controls: report.Controls{ASB: []string{"PA-7"}, Practice: "identity-rbac"}},
		},
		Findings: []report.Finding{
			{CheckID: "K8S-001", Severity: report.SeverityCritical, Subject: report.Subject{Kind: "Pod", Name: hostile}, Message: hostile, Fingerprint: strings.Repeat("a", 32), Status: report.StatusFail, Blocking: true},
			{CheckID: "K8S-060", Severity: report.SeverityLow, Subject: report.Subject{Kind: "Pod", Name: "web"}, Message: "token", Fingerprint: strings.Repeat("b", 32), Status: report.StatusWarn, AttackPaths: 1},
			{CheckID: "K8S-060", Severity: report.SeverityLow, Subject: report.Subject{Kind: "Pod", Name: "api"}, Message: "token", Fingerprint: strings.Repeat("c", 32), Status: report.StatusExcepted},
		},
		AttackPaths: []report.AttackPath{{ID: "p1", Entry: "Service " + hostile, Target: "cluster-admin", Jewel: "cluster-admin", Score: 81,
			Hops: []report.AttackHop{
				{From: "Internet", To: "Service " + hostile, Step: "exposed", Description: "reachable", Evidence: []report.AttackEvidence{{CheckID: "K8S-085", Fingerprint: strings.Repeat("d", 32), Message: "public"}}},
				{From: "Service " + hostile, To: "cluster-admin", Step: "token", Description: "holds", Evidence: []report.AttackEvidence{{CheckID: "K8S-060", Fingerprint: strings.Repeat("b", 32), Message: "token"}}},
			}, Fix: &report.AttackFix{Hop: 1, Cuts: 1, Findings: []string{strings.Repeat("b", 32)}}}},
	}
	rep.Summarize()
	return rep
}

func TestPosture(t *testing.T) {
	catalog := []report.Check{{ID: "AKS-101", Controls: report.Controls{ASB: []string{"NS-2"}, Practice: "cluster-api-access"}}}
	prev := &report.Report{Findings: []report.Finding{{CheckID: "K8S-001", Fingerprint: strings.Repeat("a", 32)}, {CheckID: "K8S-999", Fingerprint: strings.Repeat("e", 32)}}}
	p := NewPosture(postureReport(), catalog, prev)
	score := map[string]PracticeScore{}
	for _, ps := range p.Practices {
		score[ps.ID] = ps
	}
	// container: its one check fails. identity: K8S-060 fails (one open
	// finding, the other excepted), K8S-102 passes: 1 - 2/(2+8).
	if s := score["container"]; s.Score != 0 || s.Ran != 1 || s.Failing != 1 {
		t.Errorf("container %+v", s)
	}
	if s := score["identity-rbac"]; s.Score != 80 || s.Ran != 2 {
		t.Errorf("identity %+v", s)
	}
	if s := score["network"]; s.Ran != 0 {
		t.Errorf("network assessed: %+v", s)
	}
	status := map[string]string{}
	for _, c := range p.ASB {
		status[c.ID] = c.Status
	}
	if status["PV-4"] != ComplianceFail || status["PA-7"] != ComplianceFail || status["NS-2"] != ComplianceNotAssessed {
		t.Errorf("ASB %v", status)
	}
	if p.Findings[0].AttackPaths != 1 {
		t.Errorf("a finding on a path is not first: %+v", p.Findings[0])
	}
	if tr := p.Trend; len(tr.New) != 2 || len(tr.Fixed) != 1 || tr.Fixed[0].CheckID != "K8S-999" {
		t.Errorf("trend %+v", tr)
	}
}

func TestHTMLIsSelfContainedAndEscaped(t *testing.T) {
	var buf bytes.Buffer
	if err := HTML(&buf, NewPosture(postureReport(), nil, nil)); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, bad := range []string{"<script>alert", "\x1b", "\x07", "\u202e"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	// Nothing is loaded: no src or href but in-page anchors, and the
	// only URL is the SVG namespace.
	if m := regexp.MustCompile(`(?i)(src|href)="[^#]`).FindString(page); m != "" {
		t.Errorf("external reference %q", m)
	}
	urls := regexp.MustCompile(`https?://[^"' ]+`).FindAllString(page, -1)
	if slices.ContainsFunc(urls, func(u string) bool { return u != "http://www.w3.org/2000/svg" }) {
		t.Errorf("URLs in the page: %v", urls)
	}
	for _, want := range []string{`<html lang="en">`, `<label for="q">`, "<h2 id=\"h-paths\">", "<svg", `class="fix"`, "Content-Security-Policy", "\\x1b[31m"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestMarkdownEscapes(t *testing.T) {
	var buf bytes.Buffer
	if err := Markdown(&buf, NewPosture(postureReport(), nil, nil)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"<script>", "\x1b", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Errorf("markdown contains %q", bad)
		}
	}
	// Every table row keeps its columns: an escaped | does not split.
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "| critical") {
			if n := strings.Count(strings.ReplaceAll(l, `\|`, ""), "|"); n != 7 {
				t.Errorf("row has %d separators: %s", n, l)
			}
		}
	}
	if !strings.Contains(out, "1. **81** cluster-admin") || !strings.Contains(out, "Fix first:") {
		t.Errorf("no attack path:\n%s", out)
	}
}
