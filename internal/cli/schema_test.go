package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report/schematest"
)

// TestJSONMatchesSchema validates what `--format json` prints against
// docs/report.schema.json: the golden report (whose file keeps only the
// check ids, so it is the full output that is validated, after checking
// it is the golden one), a policy with a baseline, unreadable input, and
// an AKS scan.
func TestJSONMatchesSchema(t *testing.T) {
	for _, tt := range []struct {
		name   string
		code   int
		golden string
		args   []string
	}{
		{"golden bad.json", 1, "bad.json", []string{"scan", "manifests", "testdata/bad", "-f", "json", "--as-of", "2026-11-26"}},
		{"policy and baseline", 1, "", []string{"scan", "manifests", "testdata/bad", "-f", "json", "--policy", "testdata/policy/bulwark.yaml",
			"--baseline", "testdata/policy/baseline.json", "--as-of", "2026-11-26"}},
		{"new only", 0, "", []string{"scan", "manifests", "testdata/bad", "-f", "json", "--policy", "testdata/policy/bulwark.yaml",
			"--baseline", "testdata/policy/baseline.json", "--new-only", "--as-of", "2026-11-26"}},
		{"malformed input", 2, "", []string{"scan", "manifests", "testdata/malformed", "-f", "json", "--as-of", "2026-11-26"}},
		{"clean", 0, "", []string{"scan", "manifests", "testdata/clean", "-f", "json", "--as-of", "2026-11-26"}},
		{"aks", 1, "", []string{"scan", "aks", "../../examples/aks/default", "-f", "json", "--as-of", "2026-11-26"}},
		{"assess", 1, "", []string{"assess", "../../examples/insecure", "--aks", "../../examples/aks/default", "-f", "json", "--as-of", "2026-11-26"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := run(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; %s", code, tt.code, stderr)
			}
			if tt.golden != "" {
				want, err := os.ReadFile(filepath.Join("testdata", "golden", tt.golden))
				if err != nil {
					t.Fatal(err)
				}
				if withoutCatalog(t, out) != string(want) {
					t.Fatalf("output is not %s (see TestGolden)", tt.golden)
				}
			}
			if err := schematest.Validate([]byte(out)); err != nil {
				t.Error(err)
			}
		})
	}
}
