package render

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/report"
)

func renderTable(t testing.TB, rep *report.Report, color bool) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Table(&buf, rep, Options{Color: color}); err != nil {
		t.Fatalf("Table: %v", err)
	}
	return buf.String()
}

const sampleTable = `charts/my app/pod.yaml
  Pod tools/debug
    X CRITICAL  K8S-001  -     container "dbg" is privileged
        field: spec.containers[0].securityContext.privileged
        status: fail
        fix:   Remove securityContext.privileged or set it to false.

deploy/app.yaml
  Deployment default/web
    - MEDIUM    K8S-016  5:3   runAsNonRoot is not set
        field: spec.template.spec.securityContext.runAsNonRoot
        status: warn
        fix:   Set spec.securityContext.runAsNonRoot: true (e.g. in the pod template).
    X CRITICAL  K8S-001  12:9  container "web" is privileged
        field: spec.template.spec.containers[0].securityContext.privileged
        status: fail
        fix:   Remove securityContext.privileged or set it to false.

Input errors (1):
  deploy/broken.yaml:3: yaml: mapping values are not allowed in this context

Scanned: 3 files, 4 documents, 2 Kubernetes objects (1 non-Kubernetes document skipped)
Findings: 3 (2 critical, 0 high, 1 medium, 0 low, 0 info)
Status:   2 fail, 0 due, 0 excepted, 0 baselined, 1 warn
Blocking: 2 (fail-on high)
(X blocks the run, - is reported only)

ERROR: 1 input could not be read; the verdict is incomplete (2 blocking findings so far)
`

func TestTableSample(t *testing.T) {
	got := renderTable(t, sampleReport(), false)
	if got != sampleTable {
		t.Errorf("table output differs.\n--- got:\n%s\n--- want:\n%s", got, sampleTable)
	}
}

var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestTableColor(t *testing.T) {
	plain := renderTable(t, sampleReport(), false)
	if strings.Contains(plain, "\x1b") {
		t.Error("plain output contains escape sequences")
	}
	color := renderTable(t, sampleReport(), true)
	if !strings.Contains(color, ansiBoldRed+"✗"+ansiReset) || !strings.Contains(color, ansiYellow+"!"+ansiReset) {
		t.Errorf("colour output lacks the markers:\n%s", color)
	}
	// Without the escape sequences and with the colour markers mapped back,
	// both are the same text.
	stripped := ansiRE.ReplaceAllString(color, "")
	stripped = strings.NewReplacer("✗", "X", "!", "-").Replace(stripped)
	if stripped != plain {
		t.Errorf("colour output differs from plain beyond styling:\n%s", stripped)
	}
}

func TestTableVerdicts(t *testing.T) {
	noErrors := func(mut func(r *report.Report)) *report.Report {
		r := sampleReport()
		r.Errors = nil
		if mut != nil {
			mut(r)
		}
		r.Summarize()
		return r
	}
	for _, tt := range []struct {
		name string
		rep  *report.Report
		want []string
	}{
		{"fail", noErrors(nil), []string{"FAIL: 2 findings at or above high\n"}},
		{"pass with findings below the gate", noErrors(func(r *report.Report) {
			r.Findings = r.Findings[:1] // the medium one
		}), []string{"PASS: no finding blocks the run (1 reported, none past due at or above high)\n", "Blocking: 0 (fail-on high)\n"}},
		{"fail-on none", noErrors(func(r *report.Report) {
			r.Settings.FailOn = "none"
			r.Findings = decideAll(func() []finding.Finding {
				var fs []finding.Finding
				for _, f := range r.Findings {
					fs = append(fs, *f.Finding)
				}
				return fs
			}(), decide.Gate{Never: true})
		}), []string{"PASS: no finding blocks the run (fail-on none)\n"}},
		{"clean", emptyReport(), []string{"No findings.\n", "Scanned: 1 file, 1 document, 1 Kubernetes object\n", "PASS: no findings at or above high\n"}},
		{"nothing to scan", func() *report.Report {
			r := emptyReport()
			r.Inventory = report.Inventory{Files: 1, Documents: 1, Skipped: []report.Skipped{{File: "k.yaml", Line: 1, Reason: "no kind"}}}
			return r
		}(), []string{"No findings: the input contained no Kubernetes objects.\n", "(1 non-Kubernetes document skipped)"}},
		{"check error", func() *report.Report {
			r := emptyReport()
			r.CheckErrors = []engine.CheckError{{CheckID: "K8S-016", Subject: subjWeb, Loc: finding.Location{File: "a.yaml", Line: 2},
				Err: "internal error (please report): boom\ngoroutine 1 [running]:"}}
			r.Summarize()
			return r
		}(), []string{"Check errors (1):\n  a.yaml:2: check K8S-016 on Deployment/default/web: internal error (please report): boom\n",
			"ERROR: 1 check evaluation failed; the verdict is incomplete\n"}},
		{"two input errors", func() *report.Report {
			r := sampleReport()
			r.Errors = append(r.Errors, report.InputError{File: "x.yaml", Message: "permission denied"})
			r.Summarize()
			return r
		}(), []string{"  x.yaml: permission denied\n", "ERROR: 2 inputs could not be read; the verdict is incomplete"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := renderTable(t, tt.rep, false)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			if strings.Contains(got, "goroutine") {
				t.Errorf("stack trace printed:\n%s", got)
			}
		})
	}
}

func TestTableDeterministic(t *testing.T) {
	for i := range 5 {
		r := sampleReport()
		rng := rand.New(rand.NewPCG(uint64(i), 2))
		rng.Shuffle(len(r.Findings), func(a, b int) { r.Findings[a], r.Findings[b] = r.Findings[b], r.Findings[a] })
		if got := renderTable(t, r, false); got != sampleTable {
			t.Fatalf("output depends on finding order:\n%s", got)
		}
	}
}

func TestTableEscapesManifestText(t *testing.T) {
	r := sampleReport()
	r.Findings[0].Message = "evil\x1b[2J\nFAKE: line\u202e"
	r.Findings[0].Location.File = "a\rb.yaml"
	got := renderTable(t, r, false)
	if strings.ContainsAny(got, "\x1b\r\u202e") || strings.Contains(got, "\nFAKE") {
		t.Errorf("manifest text reached the terminal unescaped:\n%q", got)
	}
	if !strings.Contains(got, `evil\x1b[2J\nFAKE: line\u202e`) {
		t.Errorf("escaped message missing:\n%s", got)
	}
}

func TestFirstSentence(t *testing.T) {
	for in, want := range map[string]string{
		"Remove it. Then redeploy.":               "Remove it.",
		"Set x (e.g. 1) on the pod. Also y.":      "Set x (e.g. 1) on the pod.",
		"Use type RuntimeDefault or Localhost.":   "Use type RuntimeDefault or Localhost.",
		"Remove seLinuxOptions.user and .role; x": "Remove seLinuxOptions.user and .role; x",
		"Set this:\n  a: b\n":                     "Set this.",
		"  ":                                      "",
	} {
		if got := firstSentence(in); got != want {
			t.Errorf("firstSentence(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzTable(f *testing.F) {
	f.Add("container \"web\" is privileged", "deploy/app.yaml", "spec.containers[0].securityContext.privileged", "true", "Privileged container", 12)
	f.Add("\x1b]0;title\x07", "\x1b[2J", "\u2028", "\x9b31m", "\xff", -1)
	f.Add("", "", "", "", "", 0)
	f.Fuzz(func(t *testing.T, message, file, field, evidence, title string, line int) {
		rep := fuzzReport(message, file, field, evidence, title, line)
		plain := renderTable(t, rep, false)
		if strings.ContainsRune(plain, 0x1b) || strings.ContainsRune(plain, 0x9b) || strings.ContainsRune(plain, '\r') {
			t.Fatalf("control characters reached plain output: %q", plain)
		}
		if !utf8.ValidString(plain) {
			t.Fatalf("plain output is not UTF-8: %q", plain)
		}
		color := renderTable(t, rep, true)
		if rest := ansiRE.ReplaceAllString(color, ""); strings.ContainsRune(rest, 0x1b) {
			t.Fatalf("escape sequences other than ours in colour output: %q", color)
		}
		if !strings.Contains(plain, "\nERROR: ") {
			t.Fatalf("no verdict line: %q", plain)
		}
	})
}
