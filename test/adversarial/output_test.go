package adversarial

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// manyFindings is a Pod whose n containers each break a dozen checks, and
// whose 50 hostPath volumes each break several: tens of thousands of
// findings on one object, all of which the output groups, sorts and
// prints. Container names carry terminal escapes.
func manyFindings(n int) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Pod\nmetadata:\n  name: many\n  namespace: shop\nspec:\n  volumes:\n")
	for i := range 50 {
		fmt.Fprintf(&b, "  - name: v%d\n    hostPath: {path: /etc/kubernetes/azure.json}\n", i)
	}
	b.WriteString("  containers:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - name: \"c%d\\e[2J\\e]0;owned\\a\"\n    image: nginx\n    securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN, NET_ADMIN]}}\n    env: [{name: DB_PASSWORD, value: hunter2hunter2}]\n", i)
	}
	return []byte(b.String())
}

// TestOutputManyFindings: every format renders a report of ~10,000
// findings on one object (grouping included) within the time bound, the
// verdict line reaches stderr, and nothing from the input drives the
// terminal.
func TestOutputManyFindings(t *testing.T) {
	dir := t.TempDir()
	data := manyFindings(1000)
	pod := WriteFile(t, dir, "pod.yaml", data)
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"table", nil},
		{"verbose", []string{"--verbose"}},
		{"json", []string{"-f", "json", "-o", filepath.Join(dir, "r.json")}},
		{"sarif", []string{"-f", "sarif", "-o", filepath.Join(dir, "r.sarif")}},
		{"junit", []string{"-f", "junit", "-o", filepath.Join(dir, "r.xml")}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := Run(t, Limits{}, nil, append([]string{"scan", "manifests", pod}, tt.args...)...)
			t.Logf("%s: %d KiB input, %v, peak RSS %d MiB", tt.name, len(data)>>10, r.Wall, r.MaxRSS>>20)
			ExpectNoPanic(t, r)
			if r.Code != 1 {
				t.Fatalf("exit %d, want 1; %s", r.Code, r)
			}
			// The scan's own findings (a dozen per 190-byte container) are
			// most of the memory. Measured: 48-75 MiB; before output was
			// streamed to the file, SARIF took 244 MiB and JUnit 108 MiB.
			ExpectRSS(t, r, int64(len(data)), 120)
			verdict := r.Stderr
			if len(tt.args) == 0 || tt.name == "verbose" {
				verdict = r.Stdout[strings.LastIndex(strings.TrimSuffix(r.Stdout, "\n"), "\n")+1:]
			}
			if !strings.HasPrefix(verdict, "FAIL: ") || !strings.Contains(verdict, " blocking findings (") {
				t.Errorf("verdict line: %q", clip(verdict))
			}
			if strings.ContainsRune(r.Stdout+r.Stderr, 0x1b) || strings.ContainsRune(r.Stdout+r.Stderr, 0x07) {
				t.Errorf("terminal escapes from the input reached the output")
			}
		})
	}
}

// TestOutputHostileNames: file names with control characters reach stderr
// (input errors, the verdict line's report path) only escaped or stripped.
func TestOutputHostileNames(t *testing.T) {
	dir := t.TempDir()
	WriteFile(t, dir, "in/bad\x1b[31m\r.yaml", []byte("kind: [\n"))
	WriteFile(t, dir, "in/pod.yaml", manyFindings(1))
	out := filepath.Join(dir, "r\x1b]0;x\a.sarif")
	r := Run(t, Limits{}, nil, "scan", "manifests", filepath.Join(dir, "in"), "-f", "sarif", "-o", out)
	ExpectNoPanic(t, r)
	if r.Code != 2 || !strings.Contains(r.Stderr, "ERROR: 1 input could not be read") || !strings.Contains(r.Stderr, ", report in ") {
		t.Errorf("exit %d, want 2 with the ERROR verdict; %s", r.Code, r)
	}
	if strings.ContainsAny(r.Stderr, "\x1b\r\a") {
		t.Errorf("control characters on stderr: %q", r.Stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("report not written: %v", err)
	}
}
