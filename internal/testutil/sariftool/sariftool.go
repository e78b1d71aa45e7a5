// Package sariftool runs Microsoft's SARIF validator (the Sarif.Multitool
// binary of the npm package @microsoft/sarif-multitool, installed by
// hack/install-tools.sh) for tests.
//
// The validator (5.7.0) silently skips a file it cannot load into its object
// model, reporting nothing, and exits 0 even when it finds errors. So callers
// read its log (Run), and Validate also validates a copy without "$schema",
// which the validator always reports (SARIF2008): that result proves the
// content was loaded and the rules ran over it.
package sariftool

import (
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
)

// Tool returns the validator's path from BULWARK_SARIF_MULTITOOL. Without
// it the test skips, unless BULWARK_REQUIRE_TOOLS is set (hack/test.sh).
func Tool(t testing.TB) string {
	t.Helper()
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
	return tool
}

// Validate checks a SARIF log and fails the test on any error-level
// result; warnings and notes are logged.
func Validate(t testing.TB, name string, log []byte) {
	t.Helper()
	tool := Tool(t)
	dir := t.TempDir()
	canary := Run(t, tool, dir, name+"-noschema.sarif", WithoutSchema(t, log))
	if !HasRule(canary, "SARIF2008") {
		t.Fatalf("the validator did not analyze the log (no SARIF2008 for a log without $schema); it reported: %v", canary)
	}
	for _, f := range Run(t, tool, dir, name+".sarif", log) {
		if f.Level == "error" {
			t.Errorf("validator error: %s", f)
		} else {
			t.Logf("validator %s", f)
		}
	}
}

// Result is one thing the validator reported.
type Result struct {
	Level, Rule, Where, Text string
}

func (r Result) String() string {
	return fmt.Sprintf("%s %s at %s: %s", r.Level, r.Rule, r.Where, r.Text)
}

// HasRule reports whether rule is among rs.
func HasRule(rs []Result, rule string) bool {
	for _, r := range rs {
		if r.Rule == rule {
			return true
		}
	}
	return false
}

// WithoutSchema drops "$schema" from a SARIF log.
func WithoutSchema(t testing.TB, raw []byte) []byte {
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

// Run validates content (written to dir/name) and returns what the
// validator reported, each with its effective level.
func Run(t testing.TB, tool, dir, name string, content []byte) []Result {
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
	args := []string{tool, "validate", in, "--output", out, "--log", "ForceOverwrite"}
	// Run it without a network where we can (root with unshare): it has no
	// business fetching anything, and tests must not reach outside.
	if p, err := exec.LookPath("unshare"); err == nil && os.Geteuid() == 0 {
		if exec.Command(p, "-n", "true").Run() == nil {
			args = append([]string{p, "-n"}, args...)
		}
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
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

	var found []Result
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
			found = append(found, Result{Level: level, Rule: r.RuleID, Where: where, Text: text})
		}
		for _, inv := range run.Invocations {
			if !inv.ExecutionSuccessful {
				found = append(found, Result{Level: "error", Rule: "(invocation)", Where: name, Text: "the validator's run was not successful"})
			}
			for _, n := range append(inv.Execution, inv.Configuration...) {
				level := n.Level
				if level == "" {
					level = "warning"
				}
				found = append(found, Result{Level: level, Rule: "(notification)", Where: name, Text: n.Message.Text})
			}
		}
	}
	return found
}
