package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/testutil/sariftool"
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

// SARIF and table output of detect on a file: the alert is a result at
// the event's line with who, what, from where and the auditID; the log
// passes Microsoft's SARIF validator, quiet input too; the table shows
// the same without the control characters of the event.
func TestDetectFormats(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "audit.log")
	quiet := strings.Replace(cliExec, `"subresource":"exec"`, `"subresource":"log"`, 1)
	if err := os.WriteFile(file, []byte(quiet+"\n"+cliExec+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "", "detect", "-f", "sarif", file)
	if code != report.ExitFail {
		t.Fatalf("exit %d, want 1 (stderr %q)", code, stderr)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Invocations []struct {
				ExitCode int `json:"exitCode"`
			} `json:"invocations"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Level     string `json:"level"`
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
					LogicalLocations []struct{ FullyQualifiedName string }
				}
				Properties map[string]any
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("not a SARIF log (%v): %s", err, out)
	}
	r := log.Runs[0]
	if len(r.Tool.Driver.Rules) != 11 || len(r.Results) != 1 || len(r.Invocations) != 1 || r.Invocations[0].ExitCode != 1 {
		t.Fatalf("rules %d results %d invocations %+v", len(r.Tool.Driver.Rules), len(r.Results), r.Invocations)
	}
	res := r.Results[0]
	loc := res.Locations[0]
	if res.RuleID != "DET-001" || res.Level != "error" || !strings.HasSuffix(loc.PhysicalLocation.ArtifactLocation.URI, "/audit.log") ||
		loc.PhysicalLocation.Region.StartLine != 2 || loc.LogicalLocations[0].FullyQualifiedName != "pods/exec shop/web" ||
		res.Properties["auditID"] != "4b0c" || res.Properties["verb"] != "create" || fmt.Sprint(res.Properties["sourceIPs"]) != "[10.0.0.9]" ||
		strings.ContainsRune(res.Message.Text, 0x1b) {
		t.Errorf("result %+v", res)
	}
	sariftool.Validate(t, "detect", []byte(out))

	code, out, _ = run(t, quiet+"\n", "detect", "-f", "sarif", "-")
	if code != report.ExitPass || !strings.Contains(out, `"results": []`) {
		t.Errorf("quiet input: exit %d, SARIF %s", code, out)
	}
	sariftool.Validate(t, "detect-quiet", []byte(out))

	code, out, _ = run(t, "", "detect", "--format", "table", file)
	if code != report.ExitFail || !strings.Contains(out, "DET-001") || !strings.Contains(out, "pods/exec shop/web from 10.0.0.9") ||
		!strings.Contains(out, "auditID 4b0c at "+file+":line 2") || !strings.Contains(out, "2 events, 1 alert") || strings.ContainsRune(out, 0x1b) {
		t.Errorf("table: exit %d\n%s", code, out)
	}
	if code, _, stderr := run(t, "", "detect", "-f", "html", file); code != report.ExitError || !strings.Contains(stderr, "jsonl, sarif, table") {
		t.Errorf("-f html: exit %d stderr %q", code, stderr)
	}
}
