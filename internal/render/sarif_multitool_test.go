package render

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// TestSARIFMultitoolValidate runs Microsoft's SARIF validator (the
// Sarif.Multitool binary of the npm package @microsoft/sarif-multitool) on
// the SARIF output of hand-made reports and fails on any error-level
// result. Warnings and notes are logged.
//
// BULWARK_SARIF_MULTITOOL names the binary (eval "$(hack/install-tools.sh)"
// sets it); without it the test skips, unless BULWARK_REQUIRE_TOOLS is set
// as hack/test.sh does.
//
// The validator (5.7.0) silently skips a file it cannot load into its object
// model, reporting nothing. So each log is also validated without its
// "$schema", which the validator always reports (SARIF2008): that result
// proves the content was loaded and the rules ran over it.
func TestSARIFMultitoolValidate(t *testing.T) {
	tool := os.Getenv("BULWARK_SARIF_MULTITOOL")
	if tool == "" {
		const msg = `BULWARK_SARIF_MULTITOOL is not set; run eval "$(hack/install-tools.sh)" (or set it to node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool)`
		if os.Getenv("BULWARK_REQUIRE_TOOLS") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if fi, err := os.Stat(tool); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		t.Fatalf("BULWARK_SARIF_MULTITOOL=%s is not an executable file (npm skips its postinstall: chmod u+x it): %v", tool, err)
	}

	for _, tt := range []struct {
		name string
		rep  *report.Report
	}{
		{"sample", sampleReport()},
		{"empty", emptyReport()},
		{"edge", edgeReport()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := SARIF(&buf, tt.rep); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()

			canary := runMultitool(t, tool, dir, tt.name+"-noschema.sarif", withoutSchema(t, buf.Bytes()))
			if !hasRule(canary, "SARIF2008") {
				t.Fatalf("the validator did not analyze the log (no SARIF2008 for a log without $schema); it reported: %v", canary)
			}

			found := runMultitool(t, tool, dir, tt.name+".sarif", buf.Bytes())
			for _, f := range found {
				if f.level == "error" {
					t.Errorf("validator error: %s", f)
				} else {
					t.Logf("validator %s", f)
				}
			}
			if t.Failed() {
				t.Logf("the log:\n%s", buf.String())
			}
		})
	}

	// The harness must see errors when there are some: an absolute URI with
	// a uriBaseId is one (SARIF1004).
	t.Run("detects errors", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		if err := SARIF(&buf, sampleReport()); err != nil {
			t.Fatal(err)
		}
		broken := bytes.Replace(buf.Bytes(), []byte(`"uri": "deploy/app.yaml"`), []byte(`"uri": "file:///abs/deploy/app.yaml"`), 1)
		found := runMultitool(t, tool, t.TempDir(), "broken.sarif", broken)
		for _, f := range found {
			if f.level == "error" && f.rule == "SARIF1004" {
				return
			}
		}
		t.Errorf("the validator did not flag a broken log: %v", found)
	})
}

type mtResult struct {
	level, rule, where, text string
}

func (r mtResult) String() string {
	return fmt.Sprintf("%s %s at %s: %s", r.level, r.rule, r.where, r.text)
}

func hasRule(rs []mtResult, rule string) bool {
	for _, r := range rs {
		if r.rule == rule {
			return true
		}
	}
	return false
}

func withoutSchema(t *testing.T, raw []byte) []byte {
	t.Helper()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "$schema")
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The subset of the validator's own SARIF log that the test reads.
type mtLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID                   string `json:"id"`
					DefaultConfiguration *struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					MessageStrings map[string]struct {
						Text string `json:"text"`
					} `json:"messageStrings"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string  `json:"ruleId"`
			RuleIndex *int    `json:"ruleIndex"`
			Level     string  `json:"level"`
			Message   mtMsg   `json:"message"`
			Locations []mtLoc `json:"locations"`
		} `json:"results"`
		Invocations []struct {
			ExecutionSuccessful bool    `json:"executionSuccessful"`
			Execution           []mtNot `json:"toolExecutionNotifications"`
			Configuration       []mtNot `json:"toolConfigurationNotifications"`
		} `json:"invocations"`
	} `json:"runs"`
}

type mtMsg struct {
	Text      string   `json:"text"`
	ID        string   `json:"id"`
	Arguments []string `json:"arguments"`
}

type mtLoc struct {
	PhysicalLocation struct {
		ArtifactLocation struct {
			URI string `json:"uri"`
		} `json:"artifactLocation"`
		Region struct {
			StartLine   int `json:"startLine"`
			StartColumn int `json:"startColumn"`
		} `json:"region"`
	} `json:"physicalLocation"`
}

type mtNot struct {
	Level   string `json:"level"`
	Message mtMsg  `json:"message"`
}

var placeholderRE = regexp.MustCompile(`\{(\d+)\}`)

// runMultitool validates content (written to dir/name) and returns what the
// validator reported, each with its effective level.
func runMultitool(t *testing.T, tool, dir, name string, content []byte) []mtResult {
	t.Helper()
	in := filepath.Join(dir, name)
	out := in + ".validation.sarif"
	if err := os.WriteFile(in, content, 0o644); err != nil {
		t.Fatal(err)
	}
	// The validator tries to download the $schema and resolve hosts, which
	// can be slow where the network is closed; it does not need either.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, "validate", in, "--output", out, "--log", "ForceOverwrite")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DOTNET_CLI_TELEMETRY_OPTOUT=1", "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1")
	console, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s validate %s: %v\n%s", tool, name, err, console)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("the validator wrote no log: %v\n%s", err, console)
	}
	var log mtLog
	if err := json.Unmarshal(raw, &log); err != nil {
		t.Fatalf("cannot read the validator's log: %v\n%s", err, raw)
	}
	if len(log.Runs) == 0 {
		t.Fatalf("the validator's log has no run:\n%s", raw)
	}

	var found []mtResult
	for _, run := range log.Runs {
		rules := run.Tool.Driver.Rules
		for _, r := range run.Results {
			level, text := r.Level, r.Message.Text
			ri := -1
			if r.RuleIndex != nil && *r.RuleIndex >= 0 && *r.RuleIndex < len(rules) {
				ri = *r.RuleIndex
			} else {
				for i := range rules {
					if rules[i].ID == r.RuleID {
						ri = i
					}
				}
			}
			if ri >= 0 {
				rule := rules[ri]
				if level == "" && rule.DefaultConfiguration != nil {
					level = rule.DefaultConfiguration.Level
				}
				if text == "" {
					text = rule.MessageStrings[r.Message.ID].Text
				}
			}
			if level == "" {
				level = "warning" // SARIF's default
			}
			text = placeholderRE.ReplaceAllStringFunc(text, func(p string) string {
				n, _ := strconv.Atoi(p[1 : len(p)-1])
				if n < len(r.Message.Arguments) {
					return r.Message.Arguments[n]
				}
				return p
			})
			text = strings.NewReplacer("{{", "{", "}}", "}").Replace(text)
			where := name
			if len(r.Locations) > 0 {
				if rg := r.Locations[0].PhysicalLocation.Region; rg.StartLine > 0 {
					where = fmt.Sprintf("%s:%d:%d", name, rg.StartLine, rg.StartColumn)
				}
			}
			found = append(found, mtResult{level: level, rule: r.RuleID, where: where, text: text})
		}
		for _, inv := range run.Invocations {
			if !inv.ExecutionSuccessful {
				found = append(found, mtResult{level: "error", rule: "(invocation)", where: name, text: "the validator's run was not successful"})
			}
			for _, n := range append(inv.Execution, inv.Configuration...) {
				level := n.Level
				if level == "" {
					level = "warning"
				}
				found = append(found, mtResult{level: level, rule: "(notification)", where: name, text: n.Message.Text})
			}
		}
	}
	return found
}
