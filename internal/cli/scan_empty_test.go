package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEmptyInputIsAnError: a gate that read nothing checked nothing. Empty
// standard input (the output of a failed `helm template ... |`) and an
// empty directory exit 2 with the reason, in scan manifests and in baseline
// update (which would otherwise empty the baseline); --allow-empty accepts
// them.
func TestEmptyInputIsAnError(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := run(t, "", "scan", "manifests", "-", "-f", "json")
	if code != 2 || !strings.Contains(stderr, "<stdin>: no Kubernetes objects found") || !strings.Contains(stderr, "--allow-empty") {
		t.Errorf("empty stdin: exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(out, `"result": "error"`) {
		t.Errorf("report does not say error: %s", out)
	}
	if code, _, stderr := run(t, "", "scan", "manifests", dir); code != 2 {
		t.Errorf("empty directory: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := run(t, "", "scan", "manifests", "-", "--allow-empty"); code != 0 {
		t.Errorf("--allow-empty: exit %d, stderr %q", code, stderr)
	}

	base := filepath.Join(dir, "b.json")
	code, _, stderr = run(t, "", "baseline", "update", "-", "--baseline", base)
	if code != 2 || !strings.Contains(stderr, "no Kubernetes objects found") {
		t.Errorf("baseline update of nothing: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(base); err == nil {
		t.Error("baseline written from empty input")
	}
	if code, _, stderr := run(t, "", "baseline", "update", "-", "--baseline", base, "--allow-empty"); code != 0 {
		t.Errorf("baseline update --allow-empty: exit %d, stderr %q", code, stderr)
	}
}

// TestExplainAccessEmptyInput: an answer from no input ("no binding
// applies") would look like an all-clear; the same loader refuses it.
func TestExplainAccessEmptyInput(t *testing.T) {
	code, _, stderr := run(t, "", "explain", "access", "sa:a:b", "-")
	if code != 2 || !strings.Contains(stderr, "no Kubernetes objects found") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := run(t, "", "explain", "access", "sa:a:b", "-", "--allow-empty"); code != 0 {
		t.Errorf("--allow-empty: exit %d, stderr %q", code, stderr)
	}
}
