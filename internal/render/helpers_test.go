package render

import (
	"time"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/report"
)

var (
	metaPrivileged = report.Check{
		ID: "K8S-001", Title: "Privileged container", Severity: finding.SeverityCritical, Area: "pod-security",
		Description: "A privileged container has every capability and full access to the node's devices.",
		Remediation: "Remove securityContext.privileged or set it to false. Grant only the specific capability the workload needs.",
		Controls:    check.Controls{ASB: []string{"PV-4", "PA-7"}, CIS: []string{"4.2.1"}, PSS: "baseline/privileged", Practice: "container"},
		Kinds:       []string{"Pod", "Deployment"},
	}
	metaNonRoot = report.Check{
		ID: "K8S-016", Title: "runAsNonRoot not true", Severity: finding.SeverityMedium, Area: "pod-security",
		Description: "Without runAsNonRoot: true the kubelet will start an image whose user is root.",
		Remediation: "Set spec.securityContext.runAsNonRoot: true (e.g. in the pod template). Also set runAsUser.",
		Controls:    check.Controls{ASB: []string{"PV-4"}, CIS: []string{"4.2.6"}, PSS: "restricted/runAsNonRoot", Practice: "container"},
		Kinds:       []string{"Pod", "Deployment"},
	}
	subjWeb = finding.Subject{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "web"}
	subjDbg = finding.Subject{APIVersion: "v1", Kind: "Pod", Namespace: "tools", Name: "debug"}
)

func mkFinding(m report.Check, subj finding.Subject, loc finding.Location, field, msg, evidence string, gate decide.Gate) decide.Decided {
	f := finding.Finding{
		CheckID: m.ID, Title: m.Title, Severity: m.Severity, Subject: subj, Location: loc,
		Field: field, Message: msg, Evidence: evidence,
		Fingerprint: finding.Fingerprint(m.ID, subj, field),
	}
	return decideAll([]finding.Finding{f}, gate)[0]
}

// sampleReport has two checks, three findings (one without a line, one in
// a path that needs escaping) and one input error. Fail-on is high, so only
// the K8S-001 findings block.
func sampleReport() *report.Report {
	gate := decide.Gate{FailOn: finding.SeverityHigh}
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "bulwark", Version: "v0.3.0", URI: "https://github.com/bulwark-sec/bulwark"},
		Command:       "scan manifests",
		Targets:       []string{"deploy", "charts"},
		Settings:      report.Settings{PSSLevel: "restricted", PSSVersion: "latest", FailOn: "high"},
		Checks:        []report.Check{metaPrivileged, metaNonRoot},
		Findings: []decide.Decided{
			mkFinding(metaNonRoot, subjWeb, finding.Location{File: "deploy/app.yaml", Line: 5, Column: 3},
				"spec.template.spec.securityContext.runAsNonRoot", `runAsNonRoot is not set`, "", gate),
			mkFinding(metaPrivileged, subjWeb, finding.Location{File: "deploy/app.yaml", Line: 12, Column: 9},
				"spec.template.spec.containers[0].securityContext.privileged", `container "web" is privileged`, "true", gate),
			mkFinding(metaPrivileged, subjDbg, finding.Location{File: "charts/my app/pod.yaml"},
				"spec.containers[0].securityContext.privileged", `container "dbg" is privileged`, "true", gate),
		},
		Inventory: report.Inventory{
			Files: 3, Documents: 4, Objects: 2,
			Kinds:   []inventory.KindCount{{Kind: "Deployment", Count: 1}, {Kind: "Pod", Count: 1}},
			Skipped: []report.Skipped{{File: "deploy/kustomization.yaml", Line: 1, Reason: "not a Kubernetes object"}},
		},
		Errors: []report.InputError{{File: "deploy/broken.yaml", Line: 3, Message: "yaml: mapping values are not allowed in this context"}},
	}
	rep.Summarize()
	return rep
}

// emptyReport is a clean run: checks ran, nothing was found, nothing failed.
func emptyReport() *report.Report {
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "bulwark", Version: "devel", URI: "https://github.com/bulwark-sec/bulwark"},
		Command:       "scan manifests",
		Targets:       []string{"."},
		Settings:      report.Settings{FailOn: "high"},
		Checks:        []report.Check{metaPrivileged, metaNonRoot},
		Findings:      []decide.Decided{},
		Inventory:     report.Inventory{Files: 1, Documents: 1, Objects: 1},
		Errors:        []report.InputError{},
	}
	rep.Summarize()
	return rep
}

// fuzzReport puts arbitrary strings everywhere a manifest can reach.
func fuzzReport(message, file, field, evidence, title string, line int) *report.Report {
	m := metaPrivileged
	m.Title = title
	m.Description = message + " " + title
	m.Remediation = evidence + ". " + message
	m.Area = field
	m.Controls.PSS = title
	subj := finding.Subject{Kind: title, Namespace: field, Name: message}
	gate := decide.Gate{FailOn: finding.SeverityHigh}
	sev := finding.Severity(((line % 5) + 5) % 5)
	f := mkFinding(m, subj, finding.Location{File: file, Line: line, Column: line / 3}, field, message, evidence, gate)
	f.Severity = sev
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "bulwark", Version: title, URI: "https://github.com/bulwark-sec/bulwark"},
		Settings:      report.Settings{FailOn: evidence},
		Checks:        []report.Check{m},
		Findings:      []decide.Decided{f, mkFinding(metaNonRoot, subj, finding.Location{File: file}, field, "", "", gate)},
		Errors:        []report.InputError{{File: file, Line: line, Message: message}},
		CheckErrors:   []engine.CheckError{{CheckID: m.ID, Subject: subj, Loc: finding.Location{File: file, Line: line}, Err: message + "\n" + evidence}},
		Inventory: report.Inventory{
			Skipped: []report.Skipped{{File: file, Line: line, Reason: title}},
		},
	}
	rep.Summarize()
	return rep
}

// edgeReport exercises what the sample does not: a finding read from
// standard input, absolute and Windows paths, braces in a message (SARIF
// placeholders) and a check that crashed.
func edgeReport() *report.Report {
	gate := decide.Gate{FailOn: finding.SeverityMedium}
	rep := emptyReport()
	rep.Settings.FailOn = "medium"
	rep.Findings = []decide.Decided{
		mkFinding(metaNonRoot, subjWeb, finding.Location{File: "<stdin>", Line: 7, Column: 5},
			"spec.template.spec.securityContext.runAsNonRoot", "runAsNonRoot is {0} not set", "", gate),
		mkFinding(metaPrivileged, finding.Subject{Kind: "Pod", Name: "cluster-scoped?"}, finding.Location{File: "/abs/dir/pod.yaml", Line: 1, Column: 1},
			"spec.containers[0].securityContext.privileged", `container "x" is privileged {{ .Values.x }}`, "true", gate),
		mkFinding(metaPrivileged, subjDbg, finding.Location{File: `C:\src\k8s\pod.yaml`, Line: 2},
			"spec.containers[0].securityContext.privileged", `container "dbg" is privileged`, "true", gate),
	}
	rep.CheckErrors = []engine.CheckError{{
		CheckID: metaNonRoot.ID, Subject: subjDbg, Loc: finding.Location{File: "deploy/pod.yaml", Line: 4, Column: 1},
		Err: "internal error (please report): runtime error: index out of range\ngoroutine 7 [running]:\n...",
	}}
	rep.Summarize()
	return rep
}

// decideAll decides findings with only a gate, on a fixed day.
func decideAll(fs []finding.Finding, gate decide.Gate) []decide.Decided {
	d := &decide.Decider{Gate: gate, Now: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)}
	return d.Apply(fs).Findings
}
