package scan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func validFlags() Flags {
	return Flags{FailOn: "high", PSSLevel: "restricted", PSSVersion: "latest", MaxFileSize: DefaultMaxFileSize, PolicyFile: "", BaselineFile: ""}
}

// TestNewOptionsErrorsAreUsage: every setting NewOptions cannot honour is
// a UsageError (exit 2) with the message the command line has always
// printed, whatever the entry point.
func TestNewOptionsErrorsAreUsage(t *testing.T) {
	t.Chdir(t.TempDir()) // no policy or baseline found by discovery
	for _, tc := range []struct {
		name string
		edit func(*Flags)
		want string
	}{
		{"pss level", func(f *Flags) { f.PSSLevel = "strict" }, "--pss-level/--pss-version: "},
		{"fail-on", func(f *Flags) { f.FailOn = "severe" }, "--fail-on: "},
		{"unknown check", func(f *Flags) { f.OnlyChecks = []string{"K8S-999999"} }, `unknown check id "K8S-999999"`},
		{"max file size", func(f *Flags) { f.MaxFileSize = 0 }, "--max-file-size must be positive"},
		{"as-of", func(f *Flags) { f.AsOf = "tomorrow" }, "--as-of: "},
		{"missing baseline", func(f *Flags) { f.BaselineFile = "nope.json" }, "--baseline nope.json: "},
		{"new-only without baseline", func(f *Flags) { f.NewOnly = true }, "--new-only needs a baseline: none at bulwark-baseline.json"},
		{"pss-enforce", func(f *Flags) { f.PSSEnforce = "strict" }, "--pss-enforce "},
		{"missing policy", func(f *Flags) { f.PolicyFile = "nope.yaml" }, "nope.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := validFlags()
			tc.edit(&f)
			_, _, err := NewOptions(f)
			if err == nil || !IsUsage(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewOptions: %v (usage %v), want a usage error containing %q", err, IsUsage(err), tc.want)
			}
		})
	}
	if _, path, err := NewOptions(validFlags()); err != nil || path != BaselineFileName {
		t.Fatalf("valid flags: %q, %v", path, err)
	}
	// baseline update writes a baseline that does not exist yet.
	f := validFlags()
	f.BaselineFile, f.NeedBaseline = "new.json", true
	if opt, path, err := NewOptions(f); err != nil || path != "new.json" || opt.BaselineFile != "" {
		t.Fatalf("NeedBaseline: %q, %q, %v", path, opt.BaselineFile, err)
	}
}

// TestNewOptionsGatePrecedence: the policy's failOn and
// vulnerabilities.failOn apply unless the gate was given explicitly.
func TestNewOptionsGatePrecedence(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "bulwark.yaml")
	if err := os.WriteFile(pol, []byte("apiVersion: bulwark.dev/v1alpha1\nkind: Policy\nfailOn: critical\nvulnerabilities:\n  failOn: low\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := validFlags()
	f.PolicyFile = pol
	opt, path, err := NewOptions(f)
	if err != nil {
		t.Fatal(err)
	}
	if opt.Gate.String() != "critical" || opt.VulnGate == nil || opt.VulnGate.String() != "low" {
		t.Errorf("policy gates: %s, %v; want critical, low", opt.Gate, opt.VulnGate)
	}
	if want := filepath.Join(dir, BaselineFileName); path != want {
		t.Errorf("baseline path %q, want %q beside the policy", path, want)
	}
	f.FailOnSet = true
	if opt, _, err = NewOptions(f); err != nil {
		t.Fatal(err)
	}
	if opt.Gate.String() != "high" || opt.VulnGate != nil {
		t.Errorf("explicit --fail-on: %s, %v; want high for every check", opt.Gate, opt.VulnGate)
	}
}
