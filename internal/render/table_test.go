package render

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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

// sampleTable is the default layout: blocking findings first, each in
// full (the most severe first), the rest one line each, then errors, the
// summary by check and the verdict.
const sampleTable = `Blocking findings (2):

X CRITICAL  K8S-001  charts/my app/pod.yaml  Pod tools/debug
    container "dbg" is privileged
    field:  spec.containers[0].securityContext.privileged
    fix:    Remove securityContext.privileged or set it to false.

X CRITICAL  K8S-001  deploy/app.yaml:12:9  Deployment default/web
    container "web" is privileged
    field:  spec.template.spec.containers[0].securityContext.privileged
    fix:    Remove securityContext.privileged or set it to false.

Reported only (1; --verbose shows each in full):
deploy/app.yaml
  Deployment default/web
    - MEDIUM    K8S-016  5:3  runAsNonRoot is not set

Input errors (1):
  deploy/broken.yaml:3: yaml: mapping values are not allowed in this context

Findings by check (2 checks):
  K8S-001  CRITICAL  2 (2 blocking)  Privileged container
  K8S-016  MEDIUM    1               runAsNonRoot not true

Scanned: 3 files, 4 documents, 2 Kubernetes objects (1 non-Kubernetes document skipped)
Findings: 3 (2 critical, 0 high, 1 medium, 0 low, 0 info)
Status:   2 fail, 0 due, 0 excepted, 0 baselined, 1 warn
Blocking: 2 (fail-on high)
(X blocks the run, - is reported only)

ERROR: 1 input could not be read; the verdict is incomplete (2 blocking findings so far)
`

// sampleTableVerbose is every finding in full, by file and object.
const sampleTableVerbose = `charts/my app/pod.yaml
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

Findings by check (2 checks):
  K8S-001  CRITICAL  2 (2 blocking)  Privileged container
  K8S-016  MEDIUM    1               runAsNonRoot not true

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
	var buf bytes.Buffer
	if err := Table(&buf, sampleReport(), Options{Verbose: true}); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != sampleTableVerbose {
		t.Errorf("verbose table output differs.\n--- got:\n%s\n--- want:\n%s", got, sampleTableVerbose)
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
		{"fail", noErrors(nil), []string{"FAIL: 2 blocking findings (2 critical)\n"}},
		{"pass with findings below the gate", noErrors(func(r *report.Report) {
			r.Findings = r.Findings[:1] // the medium one
		}), []string{"PASS: no blocking findings (1 below --fail-on high)\n", "Blocking: 0 (fail-on high)\n"}},
		{"fail-on none", noErrors(func(r *report.Report) {
			r.Settings.FailOn = "none"
			r.Findings = regate(r.Findings, testGate{never: true})
		}), []string{"PASS: no blocking findings (3 reported, --fail-on none)\n"}},
		{"pass with waived and due findings", noErrors(func(r *report.Report) {
			r.Findings[0].Status = report.StatusExcepted
			r.Findings[0].Exception = &report.Waiver{Source: "bulwark.yaml:3", Reason: "migration", Expires: "2027-01-31"}
			r.Findings[1].Status, r.Findings[1].Blocking = report.StatusDue, false
			r.Findings[2].Status, r.Findings[2].Blocking = report.StatusBaselined, false
		}), []string{"PASS: no blocking findings (1 within its grace period, 1 excepted, 1 baselined)\n"}},
		{"clean", emptyReport(), []string{"No findings.\n", "Scanned: 1 file, 1 document, 1 Kubernetes object\n", "PASS: no findings\n"}},
		{"nothing to scan", func() *report.Report {
			r := emptyReport()
			r.Inventory = report.Inventory{Files: 1, Documents: 1, Skipped: []report.Skipped{{File: "k.yaml", Line: 1, Reason: "no kind"}}}
			return r
		}(), []string{"No findings: the input contained no Kubernetes objects.\n", "(1 non-Kubernetes document skipped)"}},
		{"check error", func() *report.Report {
			r := emptyReport()
			r.CheckErrors = []report.CheckError{{CheckID: "K8S-016", Subject: subjWeb, Loc: report.Location{File: "a.yaml", Line: 2},
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
		for _, opt := range []Options{{Verbose: true}, {Quiet: true}} {
			var buf bytes.Buffer
			if err := Table(&buf, rep, opt); err != nil {
				t.Fatal(err)
			}
			if out := buf.String(); hasControl(out) || !utf8.ValidString(out) || !strings.Contains(out, "ERROR: ") {
				t.Fatalf("%+v: %q", opt, out)
			}
		}
		if v := Verdict(rep); hasControl(v) || strings.Contains(v, "\n") {
			t.Fatalf("verdict: %q", v)
		}
	})
}

// groupedReport has one hostPath volume flagged by three checks (two of
// them blocking) and one image tag flagged by two checks below the gate.
func groupedReport() *report.Report {
	gate := testGate{failOn: report.SeverityHigh}
	hostPath := report.Check{ID: "K8S-005", Title: "hostPath volume", Severity: report.SeverityHigh, Remediation: "Use emptyDir instead of hostPath."}
	credPath := report.Check{ID: "K8S-009", Title: "Cloud credential path mounted", Severity: report.SeverityCritical, Remediation: "Remove the hostPath volume."}
	volType := report.Check{ID: "K8S-026", Title: "Volume type outside the restricted set", Severity: report.SeverityLow}
	latest := report.Check{ID: "K8S-040", Title: "Image tag latest or missing", Severity: report.SeverityMedium, Remediation: "Pin a version."}
	digest := report.Check{ID: "K8S-042", Title: "Image not pinned by digest", Severity: report.SeverityLow}
	loc := func(line int) report.Location {
		return report.Location{File: "deploy/app.yaml", Line: line, Column: 7}
	}
	const vol = "spec.template.spec.volumes[0]"
	const image = "spec.template.spec.containers[0].image"
	rep := emptyReport()
	rep.Checks = []report.Check{hostPath, credPath, volType, latest, digest}
	rep.Findings = []report.Finding{
		mkFinding(hostPath, subjWeb, loc(30), vol, `hostPath volumes (volume "azure-json")`, "", gate),
		mkFinding(volType, subjWeb, loc(30), vol, `volume "azure-json" uses restricted volume type "hostPath"`, "", gate),
		mkFinding(credPath, subjWeb, loc(32), vol+".hostPath.path", `volume "azure-json" mounts host path /etc/kubernetes/azure.json`, "", gate),
		mkFinding(latest, subjWeb, loc(20), image, `image "nginx:latest" uses the mutable tag latest`, "", gate),
		mkFinding(digest, subjWeb, loc(20), image, `image "nginx:latest" is not pinned by digest`, "", gate),
	}
	rep.Summarize()
	return rep
}

func TestTableGrouped(t *testing.T) {
	got := renderTable(t, groupedReport(), false)
	for _, want := range []string{
		"Blocking findings (2, 1 of them listed with another of the same root cause):\n",
		"X CRITICAL  K8S-009  deploy/app.yaml:32:7  Deployment default/web\n" +
			"    volume \"azure-json\" mounts host path /etc/kubernetes/azure.json\n" +
			"    field:  spec.template.spec.volumes[0].hostPath.path\n" +
			"    fix:    Remove the hostPath volume.\n" +
			"    also:   K8S-005 (high, blocking) at 30:7: hostPath volumes (volume \"azure-json\")\n" +
			"            K8S-026 (low)\n",
		"    - MEDIUM    K8S-040  20:7  image \"nginx:latest\" uses the mutable tag latest (also K8S-042)\n",
		"Grouped:  3 findings share a root cause with another finding and are listed with it (the gate counts each)\n",
		"Blocking: 2 (fail-on high)\n",
		"FAIL: 2 blocking findings (1 critical, 1 high)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	// Each finding is shown once: grouped ones only under their primary.
	for _, hidden := range []string{"K8S-005  deploy", "K8S-026  30:7", "K8S-042  20:7"} {
		if strings.Contains(got, hidden) {
			t.Errorf("grouped finding %q listed on its own:\n%s", hidden, got)
		}
	}
	// Verbose shows every finding in full and says how they are grouped.
	var buf bytes.Buffer
	if err := Table(&buf, groupedReport(), Options{Verbose: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"        also:  K8S-005 (high, blocking), K8S-026 (low)\n",
		"    X HIGH      K8S-005  30:7  hostPath volumes (volume \"azure-json\")\n",
		"        with:  same root cause as K8S-009 at 32:7\n",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("verbose table lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestTableQuiet(t *testing.T) {
	var buf bytes.Buffer
	if err := Table(&buf, sampleReport(), Options{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	const want = "Input errors (1):\n  deploy/broken.yaml:3: yaml: mapping values are not allowed in this context\n\n" +
		"ERROR: 1 input could not be read; the verdict is incomplete (2 blocking findings so far)\n"
	if buf.String() != want {
		t.Errorf("quiet table:\n%s\nwant:\n%s", buf.String(), want)
	}
	buf.Reset()
	if err := Table(&buf, groupedReport(), Options{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "FAIL: 2 blocking findings (1 critical, 1 high)\n" {
		t.Errorf("quiet table: %q", buf.String())
	}
}

func TestTruncate(t *testing.T) {
	long := strings.Repeat("ключ ", 40)
	got := truncate(long, 30)
	if n := utf8.RuneCountInString(got); n > 30 || !strings.HasSuffix(got, "...") || !utf8.ValidString(got) {
		t.Errorf("truncate: %q (%d runes)", got, n)
	}
	// Linear in the length of what is cut: a hostile message of megabytes
	// costs no more than reading it.
	huge := strings.Repeat("é", 4<<20)
	start := time.Now()
	if got := truncate(huge, 100); utf8.RuneCountInString(got) != 100 {
		t.Errorf("truncate of a huge string: %d runes", utf8.RuneCountInString(got))
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("truncate took %v", d)
	}
	if got := truncate("short", 30); got != "short" {
		t.Errorf("truncate of a short string: %q", got)
	}
}

func hasControl(s string) bool {
	return strings.ContainsRune(s, 0x1b) || strings.ContainsRune(s, 0x9b) || strings.ContainsRune(s, '\r')
}
