package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	result := filepath.Join(dir, "result.json")
	if code, _, stderr := run(t, "", "assess", "../../examples/insecure", "--aks", "../../examples/aks/default", "--as-of", "2026-11-26", "-f", "json", "-o", result); code != 1 {
		t.Fatalf("assess: exit %d: %s", code, stderr)
	}
	older := filepath.Join(dir, "older.json")
	if code, _, stderr := run(t, "", "scan", "manifests", "../../examples/insecure", "--as-of", "2026-11-26", "-f", "json", "-o", older); code != 1 {
		t.Fatalf("scan: exit %d: %s", code, stderr)
	}
	code, md, stderr := run(t, "", "report", result, "--previous", older, "--format", "markdown")
	if code != 0 {
		t.Fatalf("markdown: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"## Bulwark: fail", "| Threat | 0 | AKS-701 |", "### Attack paths (11)", "### Trend", "### Blocking findings"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	// The older run had no Azure findings: they are all new, none fixed.
	if !strings.Contains(md, "| new | fixed | past their grace period |") {
		t.Errorf("no trend table")
	}

	page := filepath.Join(dir, "report.html")
	if code, _, stderr := run(t, "", "report", result, older, "-o", page); code != 0 {
		t.Fatalf("html: exit %d: %s", code, stderr)
	}
	if b, err := os.ReadFile(page); err != nil || !strings.Contains(string(b), "<h2 id=\"h-asb\">Azure Security Benchmark v3</h2>") {
		t.Errorf("page: %v", err)
	}

	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"schemaVersion": "bulwark.dev/report/v1", "findings": "no"}`), 0o644)
	for _, args := range [][]string{{"report", bad}, {"report", filepath.Join(dir, "missing.json")}, {"report", result, "--format", "pdf"}, {"report", result, "--previous", bad}} {
		if code, _, stderr := run(t, "", args...); code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}
