package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// TestDetectionsDocCurrent keeps docs/detections.md equal to the
// detections the engine runs. Regenerate with:
//
//	go run ./cmd/bulwark checks list --source audit --format markdown > docs/detections.md
func TestDetectionsDocCurrent(t *testing.T) {
	_, out, _ := run(t, "", "checks", "list", "--source", "audit", "--format", "markdown")
	want, err := os.ReadFile("../../docs/detections.md")
	if err != nil || string(want) != out {
		t.Errorf("docs/detections.md is out of date (err %v); regenerate it with: go run ./cmd/bulwark checks list --source audit --format markdown > docs/detections.md", err)
	}
}

const cliExec = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"4b0c","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/shop/pods/web/exec?command=sh","verb":"create","user":{"username":"mallory\u001b[2J","groups":["system:authenticated"]},"sourceIPs":["10.0.0.9"],"objectRef":{"resource":"pods","namespace":"shop","name":"web","apiVersion":"v1","subresource":"exec"},"responseStatus":{"code":101},"stageTimestamp":"2026-12-07T10:00:00Z","annotations":{"authorization.k8s.io/decision":"allow"}}`

func TestDetectCLI(t *testing.T) {
	code, out, stderr := run(t, cliExec+"\n"+cliExec+"\n", "detect", "-")
	if code != report.ExitFail {
		t.Fatalf("exec: exit %d, want 1 (stderr %q)", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var a report.Alert
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &a) != nil || a.Rule != "DET-001" || a.AuditID != "4b0c" || a.Source != "stdin:line 1" {
		t.Fatalf("alerts %q", out)
	}
	if !strings.Contains(stderr, "2 events, 1 alerts (1 deduplicated, 0 rate-limited, 0 waived by exceptions), 0 input problems") {
		t.Errorf("summary %q", stderr)
	}
	quiet := strings.Replace(cliExec, `"subresource":"exec"`, `"subresource":"log"`, 1)
	if code, out, stderr := run(t, quiet, "detect"); code != report.ExitPass || out != "" {
		t.Errorf("pod log: exit %d out %q stderr %q", code, out, stderr)
	}
	if code, _, stderr := run(t, "", "detect", "-"); code != report.ExitError || !strings.Contains(stderr, "no audit events read") {
		t.Errorf("empty input: exit %d stderr %q", code, stderr)
	}
	if code, _, stderr := run(t, "{oops\n"+cliExec, "detect"); code != report.ExitError || !strings.Contains(stderr, "stdin:1: not an audit event") {
		t.Errorf("bad line: exit %d stderr %q", code, stderr)
	}
	if code, _, stderr := run(t, cliExec, "detect", "--checks", "K8S-001"); code != report.ExitError || !strings.Contains(stderr, "K8S-001 cannot run on detect") {
		t.Errorf("K8S check on detect: exit %d stderr %q", code, stderr)
	}
	if code, _, stderr := run(t, "", "scan", "manifests", "--checks", "DET-001", "testdata/clean"); code != report.ExitError || !strings.Contains(stderr, "runs with bulwark detect") {
		t.Errorf("DET check on scan: exit %d stderr %q", code, stderr)
	}
}
