package render

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/bulwark-sec/bulwark/internal/report"
)

var (
	metaPrivileged = report.Check{
		ID: "K8S-001", Title: "Privileged container", Severity: report.SeverityCritical, Area: "pod-security",
		Description: "A privileged container has every capability and full access to the node's devices.",
		Remediation: "Remove securityContext.privileged or set it to false. Grant only the specific capability the workload needs.",
		Controls:    report.Controls{ASB: []string{"PV-4", "PA-7"}, CIS: []string{"4.2.1"}, PSS: "baseline/privileged", Practice: "container"},
		Kinds:       []string{"Pod", "Deployment"},
	}
	metaNonRoot = report.Check{
		ID: "K8S-016", Title: "runAsNonRoot not true", Severity: report.SeverityMedium, Area: "pod-security",
		Description: "Without runAsNonRoot: true the kubelet will start an image whose user is root.",
		Remediation: "Set spec.securityContext.runAsNonRoot: true (e.g. in the pod template). Also set runAsUser.",
		Controls:    report.Controls{ASB: []string{"PV-4"}, CIS: []string{"4.2.6"}, PSS: "restricted/runAsNonRoot", Practice: "container"},
		Kinds:       []string{"Pod", "Deployment"},
	}
	subjWeb = report.Subject{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "default", Name: "web"}
	subjDbg = report.Subject{APIVersion: "v1", Kind: "Pod", Namespace: "tools", Name: "debug"}
)

// testGate is the gate of --fail-on: findings at or above failOn block,
// none when never is set.
type testGate struct {
	failOn report.Severity
	never  bool
}

func mkFinding(m report.Check, subj report.Subject, loc report.Location, field, msg, evidence string, gate testGate) report.Finding {
	fp := sha256.Sum256([]byte(m.ID + "\x00" + subj.Kind + "/" + subj.Namespace + "/" + subj.Name + "\x00" + field))
	f := report.Finding{
		CheckID: m.ID, Title: m.Title, Severity: m.Severity, Subject: subj, Location: loc,
		Field: field, Message: msg, Evidence: evidence,
		Fingerprint: hex.EncodeToString(fp[:16]), FirstSeen: "2026-11-26",
	}
	return regate([]report.Finding{f}, gate)[0]
}

// sampleReport has two checks, three findings (one without a line, one in
// a path that needs escaping) and one input error. Fail-on is high, so only
// the K8S-001 findings block.
func sampleReport() *report.Report {
	gate := testGate{failOn: report.SeverityHigh}
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "bulwark", Version: "v0.3.0", URI: "https://github.com/bulwark-sec/bulwark"},
		Command:       "scan manifests",
		Targets:       []string{"deploy", "charts"},
		Settings:      report.Settings{PSSLevel: "restricted", PSSVersion: "latest", FailOn: "high"},
		Checks:        []report.Check{metaPrivileged, metaNonRoot},
		Findings: []report.Finding{
			mkFinding(metaNonRoot, subjWeb, report.Location{File: "deploy/app.yaml", Line: 5, Column: 3},
				"spec.template.spec.securityContext.runAsNonRoot", `runAsNonRoot is not set`, "", gate),
			mkFinding(metaPrivileged, subjWeb, report.Location{File: "deploy/app.yaml", Line: 12, Column: 9},
				"spec.template.spec.containers[0].securityContext.privileged", `container "web" is privileged`, "true", gate),
			mkFinding(metaPrivileged, subjDbg, report.Location{File: "charts/my app/pod.yaml"},
				"spec.containers[0].securityContext.privileged", `container "dbg" is privileged`, "true", gate),
		},
		Inventory: report.Inventory{
			Files: 3, Documents: 4, Objects: 2,
			Kinds:   []report.KindCount{{Kind: "Deployment", Count: 1}, {Kind: "Pod", Count: 1}},
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
		Findings:      []report.Finding{},
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
	subj := report.Subject{Kind: title, Namespace: field, Name: message}
	gate := testGate{failOn: report.SeverityHigh}
	sev := report.Severity(((line % 5) + 5) % 5)
	f := mkFinding(m, subj, report.Location{File: file, Line: line, Column: line / 3}, field, message, evidence, gate)
	f.Severity = sev
	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "bulwark", Version: title, URI: "https://github.com/bulwark-sec/bulwark"},
		Settings:      report.Settings{FailOn: evidence},
		Checks:        []report.Check{m},
		Findings:      []report.Finding{f, mkFinding(metaNonRoot, subj, report.Location{File: file}, field, "", "", gate)},
		Errors:        []report.InputError{{File: file, Line: line, Message: message}},
		CheckErrors:   []report.CheckError{{CheckID: m.ID, Subject: subj, Loc: report.Location{File: file, Line: line}, Err: message + "\n" + evidence}},
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
	gate := testGate{failOn: report.SeverityMedium}
	rep := emptyReport()
	rep.Settings.FailOn = "medium"
	rep.Findings = []report.Finding{
		mkFinding(metaNonRoot, subjWeb, report.Location{File: "<stdin>", Line: 7, Column: 5},
			"spec.template.spec.securityContext.runAsNonRoot", "runAsNonRoot is {0} not set", "", gate),
		mkFinding(metaPrivileged, report.Subject{Kind: "Pod", Name: "cluster-scoped?"}, report.Location{File: "/abs/dir/pod.yaml", Line: 1, Column: 1},
			"spec.containers[0].securityContext.privileged", `container "x" is privileged {{ .Values.x }}`, "true", gate),
		mkFinding(metaPrivileged, subjDbg, report.Location{File: `C:\src\k8s\pod.yaml`, Line: 2},
			"spec.containers[0].securityContext.privileged", `container "dbg" is privileged`, "true", gate),
	}
	rep.CheckErrors = []report.CheckError{{
		CheckID: metaNonRoot.ID, Subject: subjDbg, Loc: report.Location{File: "deploy/pod.yaml", Line: 4, Column: 1},
		Err: "internal error (please report): runtime error: index out of range\ngoroutine 7 [running]:\n...",
	}}
	rep.Summarize()
	return rep
}

// regate gives findings the status a policy with only a gate gives them.
func regate(fs []report.Finding, gate testGate) []report.Finding {
	for i := range fs {
		fs[i].Status = report.StatusFail
		if gate.never || fs[i].Severity < gate.failOn {
			fs[i].Status = report.StatusWarn
		}
		fs[i].Blocking = fs[i].Status == report.StatusFail
	}
	return fs
}
