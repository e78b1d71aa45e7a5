package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// baseline update judges nothing, so every flag that only judges findings
// is refused, saying what the command does instead, and nothing is written.
func TestBaselineUpdateRejectsGateFlags(t *testing.T) {
	var gateOnly []string
	newBaselineUpdate(&streams{}).Flags().VisitAll(func(f *pflag.Flag) {
		if f.Annotations[gateOnlyKey] != nil {
			gateOnly = append(gateOnly, f.Name)
		}
	})
	for _, want := range []string{"fail-on", "new-only"} {
		if !strings.Contains(strings.Join(gateOnly, " "), want) {
			t.Errorf("--%s is not marked gate-only", want)
		}
	}
	for _, args := range [][]string{{"--fail-on", "critical"}, {"--fail-on=none"}, {"--new-only"}} {
		base := filepath.Join(t.TempDir(), "b.json")
		code, _, errOut := run(t, "", append([]string{"baseline", "update", "testdata/bad", "--baseline", base}, args...)...)
		flag, _, _ := strings.Cut(args[0], "=")
		if code != 2 || !strings.Contains(errOut, flag+": bulwark baseline update does not gate: it records every finding") {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
		if _, err := os.Stat(base); err == nil {
			t.Errorf("%v: the baseline was written", args)
		}
	}
}

// A baseline entry first seen after the run's date is an error naming the
// file, line and entry, for scans and updates alike: as a finding it would
// be "due" for thousands of years.
func TestBaselineFromTheFuture(t *testing.T) {
	base := filepath.Join(t.TempDir(), "b.json")
	if code, _, errOut := run(t, "", "baseline", "update", "testdata/bad", "--baseline", base, "--as-of", "2026-11-26"); code != 0 {
		t.Fatalf("baseline update: exit %d %s", code, errOut)
	}
	data, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	future := strings.Replace(string(data), `"firstSeen": "2026-11-26"`, `"firstSeen": "9000-01-01"`, 1)
	future = strings.Replace(future, `"lastSeen": "2026-11-26"`, `"lastSeen": "9000-01-01"`, 1)
	soon := strings.Replace(string(data), `"firstSeen": "2026-11-26"`, `"firstSeen": "2026-12-24"`, 1)
	for _, tt := range []struct{ name, doc, want string }{
		{"far future", future, `"9000-01-01" is out of range`},
		{"a month ahead", soon, "firstSeen 2026-12-24 is after the run's date 2026-11-26"},
	} {
		if err := os.WriteFile(base, []byte(tt.doc), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range [][]string{{"scan", "manifests"}, {"baseline", "update"}} {
			code, _, errOut := run(t, "", append(cmd, "testdata/bad", "--baseline", base, "--as-of", "2026-11-26")...)
			if code != 2 || !strings.Contains(errOut, base+":6: findings[0]") || !strings.Contains(errOut, tt.want) {
				t.Errorf("%s, %v: exit %d, %q", tt.name, cmd, code, errOut)
			}
		}
	}
}

// What baseline update says on stderr about files it could not read names
// them as the table would, never with the characters themselves.
func TestBaselineUpdateStripsControlCharacters(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad"+hostile+".yaml"), []byte("kind: ["+strconv.Quote(hostile)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "", "baseline", "update", dir, "--baseline", filepath.Join(dir, "b.json"))
	if code != 2 || !strings.Contains(errOut, "FAIL forged") {
		t.Fatalf("exit %d: %q", code, errOut)
	}
	assertNoControls(t, "baseline update stderr", errOut)
}
