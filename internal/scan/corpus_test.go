package scan

import (
	"context"
	"os"
	"testing"

	"k8s.io/pod-security-admission/api"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/testutil/needs"
)

// TestRealCorpus scans the public manifests in ../shared/corpus/real (data
// given to the project, not committed here). Every file must be read
// without a crash or a check error; the upstream repositories' YAML is
// valid, so no input errors either.
func TestRealCorpus(t *testing.T) {
	const dir = "../../../shared/corpus/real"
	if _, err := os.Stat(dir); err != nil {
		needs.Missing(t, "corpus not present at %s: %v", dir, err)
	}
	rep, err := Manifests(context.Background(), []string{dir}, Options{
		Settings: check.Settings{PSS: api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}},
		Gate:     decide.Gate{FailOn: finding.SeverityHigh},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.CheckErrors) > 0 {
		t.Errorf("check errors: %v", rep.CheckErrors)
	}
	for _, e := range rep.Errors {
		t.Errorf("input error: %s:%d: %s", e.File, e.Line, e.Message)
	}
	if rep.Inventory.Files < 250 || rep.Inventory.Objects < 400 || rep.Summary.Findings == 0 {
		t.Errorf("scanned %d files, %d objects, %d findings: the corpus was not read", rep.Inventory.Files, rep.Inventory.Objects, rep.Summary.Findings)
	}
	t.Logf("%d files, %d objects, %d findings, %d skipped documents", rep.Inventory.Files, rep.Inventory.Objects, rep.Summary.Findings, len(rep.Inventory.Skipped))
}
