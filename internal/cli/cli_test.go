package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/testutil/sariftool"
)

var update = flag.Bool("update", false, "rewrite golden files (review the diff before committing)")

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"clean app passes", []string{"scan", "manifests", "testdata/clean"}, 0, ""},
		{"findings at high fail", []string{"scan", "manifests", "testdata/bad"}, 1, ""},
		{"fail-on critical still fails on privileged", []string{"scan", "manifests", "testdata/bad", "--fail-on", "critical"}, 1, ""},
		{"fail-on none passes", []string{"scan", "manifests", "testdata/bad", "--fail-on", "none"}, 0, ""},
		{"skipping the blocking checks passes", []string{"scan", "manifests", "testdata/bad", "--skip-checks", "K8S-001,k8s-070"}, 0, ""},
		{"malformed input is an input error", []string{"scan", "manifests", "testdata/malformed", "-f", "json"}, 2, "broken.yaml:5: "},
		{"missing path", []string{"scan", "manifests", "testdata/nope"}, 2, ""},
		{"unknown check id", []string{"scan", "manifests", "testdata/bad", "--checks", "K8S-999"}, 2, `unknown check id "K8S-999"`},
		{"unknown format", []string{"scan", "manifests", "testdata/bad", "-f", "xml"}, 2, `--format "xml"`},
		{"bad fail-on", []string{"scan", "manifests", "testdata/bad", "--fail-on", "severe"}, 2, "--fail-on"},
		{"bad pss level", []string{"scan", "manifests", "testdata/bad", "--pss-level", "strict"}, 2, "--pss-level"},
		{"missing explicit policy", []string{"scan", "manifests", "testdata/bad", "--policy", "testdata/none.yaml"}, 2, "policy"},
		{"no args", []string{"scan", "manifests"}, 2, "requires at least 1 arg"},
		{"unknown command", []string{"scna"}, 2, "unknown command"},
		{"explain unknown", []string{"checks", "explain", "NOPE-1"}, 2, "unknown check id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.stderr)
			}
		})
	}
}

func TestMalformedStillScansOtherFiles(t *testing.T) {
	code, out, _ := run(t, "", "scan", "manifests", "testdata/malformed", "-f", "json")
	if code != report.ExitError {
		t.Fatalf("exit %d", code)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Result != "error" || len(rep.Errors) != 1 || rep.Errors[0].Line != 5 {
		t.Errorf("summary %+v errors %+v", rep.Summary, rep.Errors)
	}
	var fromOther bool
	for _, f := range rep.Findings {
		if f.CheckID == "K8S-001" && strings.HasSuffix(f.Location.File, "also-bad.yaml") {
			fromOther = true
		}
	}
	if !fromOther {
		t.Error("the good file next to the broken one was not scanned")
	}
}

func TestStdinAndOutputFile(t *testing.T) {
	data, err := os.ReadFile("testdata/bad/app.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "report.sarif")
	code, stdout, _ := run(t, string(data), "scan", "manifests", "-", "-f", "sarif", "-o", out)
	if code != 1 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) || !bytes.Contains(b, []byte(`"K8S-001"`)) {
		t.Errorf("SARIF file lacks the stdin finding: %.300s", b)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	const secret = "hunter2-is-not-a-good-password"
	for _, format := range []string{"table", "json", "sarif", "junit"} {
		_, out, errOut := run(t, "", "scan", "manifests", "testdata/bad", "-f", format)
		if strings.Contains(out+errOut, secret) || strings.Contains(out, "hu****") {
			t.Errorf("%s output contains the secret value", format)
		}
		if !strings.Contains(out, "K8S-070") {
			t.Errorf("%s output lacks the K8S-070 finding", format)
		}
	}
}

func TestPolicyFileAllowedRegistries(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "bulwark.yaml")
	if err := os.WriteFile(pol, []byte("apiVersion: bulwark.dev/v1alpha1\nkind: Policy\nfailOn: critical\nimages:\n  allowedRegistries: [contoso.azurecr.io]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, _ := run(t, "", "scan", "manifests", "testdata/bad", "--policy", pol, "-f", "json", "--checks", "K8S-043")
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Settings.FailOn != "critical" || len(rep.Findings) != 1 || rep.Findings[0].CheckID != "K8S-043" {
		t.Errorf("policy not applied: settings %+v findings %+v", rep.Settings, rep.Findings)
	}
	// A flag given explicitly wins over the policy.
	_, out, _ = run(t, "", "scan", "manifests", "testdata/bad", "--policy", pol, "-f", "json", "--fail-on", "low", "--checks", "K8S-043")
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Settings.FailOn != "low" {
		t.Errorf("--fail-on did not win over the policy: %+v %v", rep.Settings, err)
	}
}

func TestChecksListFilters(t *testing.T) {
	_, all, _ := run(t, "", "checks", "list", "-f", "json")
	_, high, _ := run(t, "", "checks", "list", "-f", "json", "--severity", "high")
	_, cis, _ := run(t, "", "checks", "list", "-f", "json", "--control", "4.2.1")
	var a, h, c []map[string]any
	for _, x := range []struct {
		s string
		v *[]map[string]any
	}{{all, &a}, {high, &h}, {cis, &c}} {
		if err := json.Unmarshal([]byte(x.s), x.v); err != nil {
			t.Fatal(err)
		}
	}
	if len(a) < 40 || len(h) == 0 || len(h) >= len(a) {
		t.Errorf("all %d, high+ %d", len(a), len(h))
	}
	for _, m := range h {
		if s := m["severity"]; s != "high" && s != "critical" {
			t.Errorf("--severity high listed %v", m["id"])
		}
	}
	ids := map[string]bool{}
	for _, m := range c {
		ids[m["id"].(string)] = true
	}
	if !ids["K8S-001"] || !ids["K8S-027"] {
		t.Errorf("--control 4.2.1 gave %v", ids)
	}
	if code, _, _ := run(t, "", "checks", "list", "--area", "nonsense"); code != 2 {
		t.Errorf("unknown area exit %d", code)
	}
}

func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		golden string
		code   int
		args   []string
	}{
		{"clean.table", 0, []string{"scan", "manifests", "testdata/clean", "--as-of", "2026-11-26"}},
		{"bad.table", 1, []string{"scan", "manifests", "testdata/bad", "--as-of", "2026-11-26"}},
		{"bad.verbose.table", 1, []string{"scan", "manifests", "testdata/bad", "--as-of", "2026-11-26", "--verbose"}},
		{"bad.json", 1, []string{"scan", "manifests", "testdata/bad", "-f", "json", "--as-of", "2026-11-26"}},
		{"malformed.table", 2, []string{"scan", "manifests", "testdata/malformed", "--checks", "K8S-001", "--as-of", "2026-11-26"}},
		{"policy.table", 1, []string{"scan", "manifests", "testdata/bad", "--policy", "testdata/policy/bulwark.yaml", "--baseline", "testdata/policy/baseline.json", "--as-of", "2026-11-26"}},
		{"explain.txt", 0, []string{"checks", "explain", "k8s-001"}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			code, out, _ := run(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if strings.HasSuffix(tt.golden, ".json") {
				out = withoutCatalog(t, out)
			}
			path := filepath.Join("testdata", "golden", tt.golden)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/cli -update and review the diff)", err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s (run with -update and review the diff):\n%s", path, out)
			}
		})
	}
}

// withoutCatalog replaces the report's check descriptions by their ids:
// the golden pins what the run decided, and the catalog's wording is
// pinned once, by docs/checks.md (TestCatalogDocCurrent), not in every
// golden report.
func withoutCatalog(t *testing.T, out string) string {
	t.Helper()
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	checks, _ := rep["checks"].([]any)
	ids := make([]any, 0, len(checks))
	for _, c := range checks {
		ids = append(ids, c.(map[string]any)["id"])
	}
	rep["checks"] = ids
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

// TestCatalogDocCurrent keeps docs/checks.md equal to the catalog the
// engine runs. Regenerate with:
//
//	go run ./cmd/bulwark checks list --format markdown > docs/checks.md
func TestCatalogDocCurrent(t *testing.T) {
	_, out, _ := run(t, "", "checks", "list", "--format", "markdown")
	want, err := os.ReadFile("../../docs/checks.md")
	if err != nil || string(want) != out {
		t.Errorf("docs/checks.md is out of date (err %v); regenerate it with: go run ./cmd/bulwark checks list --format markdown > docs/checks.md", err)
	}
}

// TestExamples is the acceptance check on the bundled example: the
// insecure app has findings that fail the gate, the hardened twin has none
// at high or above, and the example's SARIF passes Microsoft's validator.
func TestExamples(t *testing.T) {
	code, out, stderr := run(t, "", "scan", "manifests", "../../examples/insecure", "-f", "json")
	if code != report.ExitFail {
		t.Fatalf("insecure example: exit %d, want 1 (stderr %q)", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	checks := map[string]bool{}
	for _, f := range rep.Findings {
		checks[f.CheckID] = true
	}
	if len(checks) < 30 || len(rep.Errors) > 0 {
		t.Errorf("insecure example triggers only %d checks (errors %v)", len(checks), rep.Errors)
	}

	code, out, stderr = run(t, "", "scan", "manifests", "../../examples/hardened", "-f", "json")
	if code != report.ExitPass {
		t.Errorf("hardened example: exit %d, want 0 (stderr %q):\n%s", code, stderr, out)
	}

	_, sarif, _ := run(t, "", "scan", "manifests", "../../examples/insecure", "-f", "sarif")
	sariftool.Validate(t, "insecure-example", []byte(sarif))
}

// TestGracePeriodsDriveTheGate is the policy issue's acceptance check: with a
// policy granting 14 days to high (and critical) findings, a scan of the
// insecure example passes on the day its baseline is taken, shows the due
// dates, and fails from the due date on. The clock is --as-of.
func TestGracePeriodsDriveTheGate(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "bulwark.yaml")
	base := filepath.Join(dir, "bulwark-baseline.json")
	if err := os.WriteFile(pol, []byte("apiVersion: bulwark.dev/v1alpha1\nkind: Policy\nfailOn: high\ngracePeriods:\n  critical: 14d\n  high: 14d\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const example = "../../examples/insecure"
	if code, out, errOut := run(t, "", "baseline", "update", example, "--policy", pol, "--as-of", "2026-11-26"); code != 0 || !strings.Contains(out, "bulwark-baseline.json: ") {
		t.Fatalf("baseline update: exit %d, %q %q", code, out, errOut)
	}
	for _, tt := range []struct {
		day  string
		code int
		want string
	}{
		{"2026-11-26", 0, "status: due 2026-12-10 (first seen 2026-11-26)"},
		{"2026-12-09", 0, "status: due 2026-12-10"},
		{"2026-12-10", 1, "status: fail (first seen 2026-11-26, grace ended 2026-12-10)"},
		{"2026-12-11", 1, "FAIL: "},
	} {
		code, out, errOut := run(t, "", "scan", "manifests", example, "--policy", pol, "--as-of", tt.day, "--verbose")
		if code != tt.code || !strings.Contains(out, tt.want) {
			t.Errorf("%s: exit %d (want %d), output lacks %q; stderr %q", tt.day, code, tt.code, tt.want, errOut)
		}
	}
	// The default table lists findings within their grace period one line
	// each, with the due date.
	if _, out, _ := run(t, "", "scan", "manifests", example, "--policy", pol, "--as-of", "2026-11-26"); !strings.Contains(out, "  [due 2026-12-10] ") {
		t.Errorf("default table lacks the due date:\n%s", out)
	}
	// The baseline beside the policy was found without --baseline, and a
	// second update keeps first-seen dates.
	if code, _, _ := run(t, "", "baseline", "update", example, "--policy", pol, "--as-of", "2026-12-20"); code != 0 {
		t.Fatal("second baseline update failed")
	}
	b, err := os.ReadFile(base)
	if err != nil || !bytes.Contains(b, []byte(`"firstSeen": "2026-11-26"`)) || bytes.Contains(b, []byte(`"firstSeen": "2026-12-20"`)) || !bytes.Contains(b, []byte(`"lastSeen": "2026-12-20"`)) {
		t.Errorf("first seen moved or last seen not updated (err %v)", err)
	}
}

func TestExpiredExceptionNoLongerSuppresses(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "bulwark.yaml")
	if err := os.WriteFile(pol, []byte(`apiVersion: bulwark.dev/v1alpha1
kind: Policy
exceptions:
- checks: [K8S-001, K8S-070]
  resources: {namespace: shop, name: web}
  reason: migration in progress
  owner: web-team
  expires: 2026-12-01
`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "", "scan", "manifests", "testdata/bad", "--policy", pol, "--as-of", "2026-12-01")
	if code != 0 || !strings.Contains(out, "excepted until 2026-12-01") {
		t.Errorf("on its last day: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "", "scan", "manifests", "testdata/bad", "--policy", pol, "--as-of", "2026-12-02", "-f", "json")
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if code != 1 || rep.Summary.ByStatus["excepted"] != 0 || rep.Exceptions[0].State != "expired" {
		t.Errorf("after expiry: exit %d, by status %v, exceptions %+v", code, rep.Summary.ByStatus, rep.Exceptions)
	}
	said := strings.Join(rep.Warnings, "\n")
	if !strings.Contains(said, "bulwark.yaml:4: exception (owner web-team) expired on 2026-12-01; the 2 findings it covered count again") {
		t.Errorf("the run does not say the exception expired: %q", said)
	}
	_, out, _ = run(t, "", "scan", "manifests", "testdata/bad", "--policy", pol, "--as-of", "2026-11-30", "-f", "sarif")
	if !strings.Contains(out, `"suppressions"`) || !strings.Contains(out, `"justification": "migration in progress (until 2026-12-01, owner web-team,`) {
		t.Errorf("SARIF lacks the suppression:\n%.2000s", out)
	}
}

func TestPolicyTypoExitsTwoWithLine(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "bulwark.yaml")
	if err := os.WriteFile(pol, []byte("apiVersion: bulwark.dev/v1alpha1\nkind: Policy\nseverityOverrides:\n  K8S-0290: low\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := pol + `:4: severityOverrides: unknown check id "K8S-0290"`
	for _, args := range [][]string{
		{"scan", "manifests", "testdata/bad", "--policy", pol},
		{"policy", "check", pol},
	} {
		code, _, errOut := run(t, "", args...)
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", args, code, errOut, want)
		}
	}
}

func TestPolicyInitAndCheck(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "bulwark.yaml")
	if code, out, _ := run(t, "", "policy", "init", "-o", pol); code != 0 || !strings.Contains(out, "wrote ") {
		t.Fatalf("init: %d %q", code, out)
	}
	if code, _, errOut := run(t, "", "policy", "init", "-o", pol); code != 2 || !strings.Contains(errOut, "exists") {
		t.Errorf("init over an existing file: %d %q", code, errOut)
	}
	if code, out, _ := run(t, "", "policy", "check", pol); code != 0 || !strings.Contains(out, "valid") {
		t.Errorf("check of the starter: %d %q", code, out)
	}
	if code, out, _ := run(t, "", "policy", "init", "-o", "-"); code != 0 || !strings.Contains(out, "kind: Policy") {
		t.Errorf("init to stdout: %d", code)
	}
}

func TestNewOnly(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "b.json")
	if code, _, _ := run(t, "", "scan", "manifests", "testdata/bad", "--new-only", "--baseline", base); code != 2 {
		t.Errorf("--new-only without a baseline: exit %d, want 2", code)
	}
	if code, _, _ := run(t, "", "baseline", "update", "testdata/bad", "--baseline", base, "--checks", "K8S-001"); code != 0 {
		t.Fatal("baseline update failed")
	}
	// K8S-001 is in the baseline, K8S-070 is new: only the new one blocks.
	code, out, _ := run(t, "", "scan", "manifests", "testdata/bad", "--baseline", base, "--new-only", "-f", "json")
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if code != 1 || rep.Summary.Blocking != 1 || rep.Summary.ByStatus["baselined"] != 1 {
		t.Errorf("exit %d summary %+v", code, rep.Summary)
	}
	for _, f := range rep.Findings {
		if f.Blocking && (f.CheckID != "K8S-070" || !f.New) {
			t.Errorf("unexpected blocking finding %+v", f)
		}
	}
}

// The AKS cluster the manifests deploy to decides what NetworkPolicies
// achieve: with no engine none is enforced; with podLinkLocalAccess None no
// pod reaches IMDS whatever the policies say.
func TestAKSContext(t *testing.T) {
	findings := func(args ...string) map[string]int {
		t.Helper()
		code, out, stderr := run(t, "", append([]string{"scan", "manifests", "--fail-on", "none", "-f", "json", "--checks", "K8S-080,K8S-084"}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		var rep struct {
			Findings []struct {
				CheckID string `json:"checkID"`
				Message string `json:"message"`
			} `json:"findings"`
			Inventory struct {
				Objects int `json:"objects"`
			} `json:"inventory"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		n := map[string]int{"objects": rep.Inventory.Objects}
		for _, f := range rep.Findings {
			n[f.CheckID]++
			if strings.Contains(f.Message, "no NetworkPolicy is enforced") {
				n["not enforced"]++
			}
		}
		return n
	}
	plain := findings("../../examples/hardened")
	none := findings("../../examples/hardened", "--aks", "../../examples/aks/default/aks.json")
	if plain["K8S-080"] != 0 || none["K8S-080"] == 0 || none["not enforced"] != none["K8S-080"]+none["K8S-084"] || none["objects"] != plain["objects"] {
		t.Errorf("hardened manifests on a cluster without a policy engine: plain %v, with --aks %v", plain, none)
	}
	insecure := findings("../../examples/insecure")
	blocked := findings("../../examples/insecure", "--aks", "../../examples/aks/hardened/aks.json")
	if insecure["K8S-084"] == 0 || blocked["K8S-084"] != 0 {
		t.Errorf("IMDS: plain %v, on a cluster with podLinkLocalAccess None %v", insecure, blocked)
	}
	if code, _, stderr := run(t, "", "scan", "manifests", "../../examples/hardened", "--aks", "../../examples/hardened"); code != 2 || !strings.Contains(stderr, "no AKS cluster") {
		t.Errorf("--aks without a cluster: exit %d %s", code, stderr)
	}
}
