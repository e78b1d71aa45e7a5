package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// TestFormatOutputSlips: a format name given to --output, or a file name
// given to --format, is a usage error saying what was meant, on every
// command with these flags, and writes nothing.
func TestFormatOutputSlips(t *testing.T) {
	bad, err := filepath.Abs("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("existing", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	scans := [][]string{
		{"scan", "manifests", bad},
		{"scan", "aks", bad},
		{"scan", "cluster"},
		{"scan", "image", "example.azurecr.io/app:1"},
	}
	for _, scan := range scans {
		for _, tt := range []struct {
			flags []string
			want  string
		}{
			{[]string{"-o", "json"}, "--output json: did you mean --format json? --output takes a file path (for a file named json, give ./json)"},
			{[]string{"--output", "SARIF"}, "--output SARIF: did you mean --format sarif?"},
			{[]string{"-o", "Table"}, "--output Table: did you mean --format table?"},
			{[]string{"-o", "junit"}, "did you mean --format junit?"},
			{[]string{"-f", "file.yaml"}, "--format file.yaml: did you mean --output file.yaml? --format takes one of table, json, sarif, junit"},
			{[]string{"-f", "out/report.sarif"}, "--format out/report.sarif: did you mean --format sarif --output out/report.sarif?"},
			{[]string{"-f", "existing"}, "--format existing: did you mean --output existing?"},
			{[]string{"-f", "xml"}, `--format "xml": want one of table, json, sarif, junit`},
			{[]string{"--verbose", "--quiet"}, "--verbose and --quiet"},
			{[]string{"--verbose", "-f", "json"}, "--verbose applies to the table"},
		} {
			args := append(append([]string{}, scan...), tt.flags...)
			code, stdout, stderr := run(t, "", args...)
			if code != 2 || !strings.Contains(stderr, tt.want) || stdout != "" {
				t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and %q", args, code, stdout, stderr, tt.want)
			}
		}
	}
	for _, name := range []string{"json", "SARIF", "Table", "junit"} {
		if _, err := os.Stat(name); err == nil {
			t.Errorf("a file named %s was written", name)
		}
	}

	// Commands with --format but no --output say how to write a file.
	for _, args := range [][]string{
		{"checks", "list", "-f", "catalog.json"},
		{"db", "status", "-f", "status.json"},
		{"verify", "image", "example.azurecr.io/app:1", "-f", "out/v.json"},
	} {
		code, _, stderr := run(t, "", args...)
		if code != 2 || !strings.Contains(stderr, "that is a file name; --format takes one of") || !strings.Contains(stderr, "redirect standard output") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}

	// Format names are not case-sensitive, and a path that merely contains a
	// format name is a path.
	out := filepath.Join(dir, "json.d", "report.json")
	if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "", "scan", "manifests", bad, "-f", "JSON", "-o", out); code != 1 {
		t.Errorf("-f JSON -o %s: exit %d, stderr %q", out, code, stderr)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.HasPrefix(string(b), "{") {
		t.Errorf("report not written as JSON: %v %.40q", err, b)
	}
}

// TestVerdictLine: when the report goes to a file or is not a table, the
// verdict is one line on stderr, for each exit code, control characters
// stripped.
func TestVerdictLine(t *testing.T) {
	dir := t.TempDir()
	sarif := filepath.Join(dir, "x.sarif")
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"fail to a file", []string{"scan", "manifests", "testdata/bad", "-f", "sarif", "-o", sarif}, 1,
			"FAIL: 2 blocking findings (1 critical, 1 high), report in " + sarif + "\n"},
		{"fail as JSON on stdout", []string{"scan", "manifests", "testdata/bad", "-f", "json"}, 1,
			"FAIL: 2 blocking findings (1 critical, 1 high)\n"},
		{"pass below the gate", []string{"scan", "manifests", "testdata/bad", "--skip-checks", "K8S-001,K8S-070", "-o", filepath.Join(dir, "t.txt")}, 0,
			"PASS: no blocking findings (18 below --fail-on high), report in " + filepath.Join(dir, "t.txt") + "\n"},
		{"pass with fail-on none", []string{"scan", "manifests", "testdata/bad", "--fail-on", "none", "-f", "junit"}, 0,
			"PASS: no blocking findings (20 reported, --fail-on none)\n"},
		{"pass clean", []string{"scan", "manifests", "testdata/clean", "-f", "sarif"}, 0, "PASS: no findings\n"},
		{"error", []string{"scan", "manifests", "testdata/malformed", "-f", "json", "-o", filepath.Join(dir, "m.json")}, 2,
			"ERROR: 1 input could not be read; the verdict is incomplete (2 blocking findings so far), report in " + filepath.Join(dir, "m.json") + "\n"},
		{"control characters escaped", []string{"scan", "manifests", "testdata/bad", "-f", "json", "-o", filepath.Join(dir, "a\x1b[2J\rb.json")}, 1,
			"FAIL: 2 blocking findings (1 critical, 1 high), report in " + filepath.Join(dir, `a\x1b[2J\rb.json`) + "\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, "", tt.args...)
			if code != tt.code || !strings.HasSuffix(stderr, tt.want) {
				t.Errorf("exit %d (want %d), stderr %q, want it to end in %q", code, tt.code, stderr, tt.want)
			}
			if strings.ContainsAny(stderr, "\x1b\r") {
				t.Errorf("control characters on stderr: %q", stderr)
			}
		})
	}
	// A table on the terminal has the verdict at its end: not repeated.
	if _, stdout, stderr := run(t, "", "scan", "manifests", "testdata/bad"); stderr != "" || !strings.HasSuffix(stdout, "FAIL: 2 blocking findings (1 critical, 1 high)\n") {
		t.Errorf("table: stderr %q, stdout ends %q", stderr, stdout[max(0, len(stdout)-80):])
	}
}

// TestTableReadable is the example's table at 3 a.m.: every blocking
// finding with its whole message and fix, every other finding on one line,
// a summary by check, and less than half the lines of --verbose.
func TestTableReadable(t *testing.T) {
	const example = "../../examples/insecure"
	_, table, _ := run(t, "", "scan", "manifests", example)
	_, verbose, _ := run(t, "", "scan", "manifests", example, "--verbose")
	_, js, _ := run(t, "", "scan", "manifests", example, "-f", "json")
	var rep report.Report
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(table, "\n")
	if n, v := len(lines), strings.Count(verbose, "\n"); n*2 > v {
		t.Errorf("the table has %d lines, --verbose %d", n, v)
	}
	if !strings.HasPrefix(table, "Blocking findings (") {
		t.Errorf("the table does not start with the blocking findings:\n%.300s", table)
	}
	for _, f := range rep.Findings {
		if f.Blocking && !strings.Contains(table, f.Message) {
			t.Errorf("blocking %s at %s: message not in the table: %s", f.CheckID, f.Location, f.Message)
		}
		if !f.Blocking && f.RelatedTo == "" {
			// One line, with its check id and position.
			want := fmt.Sprintf("  %s  %d:%d ", f.CheckID, f.Location.Line, f.Location.Column)
			if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, want) && len(l) < 260 }) {
				t.Errorf("no line for %s at %s", f.CheckID, f.Location)
			}
		}
	}
	for _, c := range []string{"K8S-001", "K8S-042", "K8S-133"} {
		if !regexp.MustCompile(`(?m)^  ` + c + `  [A-Z]+ +\d+`).MatchString(table) {
			t.Errorf("summary by check lacks %s", c)
		}
	}
	if !strings.Contains(table, "\nGrouped:  ") || !strings.HasSuffix(table, "\nFAIL: 52 blocking findings (18 critical, 34 high)\n") {
		t.Errorf("the table does not end with the groups and the verdict:\n%s", table[max(0, len(table)-500):])
	}
	// --quiet: the verdict only.
	if _, q, _ := run(t, "", "scan", "manifests", example, "--quiet"); q != "FAIL: 52 blocking findings (18 critical, 34 high)\n" {
		t.Errorf("--quiet printed %q", q)
	}
}

// -o naming a FIFO or a device (-o /dev/null) writes into it: renaming the
// report over it replaced /dev/null with a regular file for the whole
// machine. A FIFO stands in for the device here.
func TestOutputToFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "report.pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan []byte, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		got <- b
	}()
	code, _, stderr := run(t, "", "scan", "manifests", "testdata/bad", "-f", "json", "-o", fifo)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// Checked first: a replaced FIFO leaves its reader waiting for ever.
	info, err := os.Lstat(fifo)
	if err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("%s is no longer a FIFO: %v %v", fifo, info.Mode(), err)
	}
	if b := <-got; !json.Valid(b) || !bytes.Contains(b, []byte(`"K8S-001"`)) {
		t.Errorf("the FIFO's reader got %.200q", b)
	}
}
