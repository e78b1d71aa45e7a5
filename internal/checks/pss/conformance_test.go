package pss

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"k8s.io/pod-security-admission/policy"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

// TestConformance runs every fixture the upstream module ships
// (test/testdata/<level>/<version>/{pass,fail}/*.yaml, read from the module
// cache) through Bulwark and compares the verdict with the fixture's.
func TestConformance(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "k8s.io/pod-security-admission").Output()
	if err != nil {
		t.Fatalf("locate k8s.io/pod-security-admission in the module cache: %v", err)
	}
	root := filepath.Join(strings.TrimSpace(string(out)), "test", "testdata")
	files, err := filepath.Glob(filepath.Join(root, "*", "v*", "*", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures under %s (err %v)", root, err)
	}

	overriddenBy := map[policy.CheckID][]policy.CheckID{}
	for _, c := range upstream {
		for _, v := range c.Versions {
			for _, o := range v.OverrideCheckIDs {
				overriddenBy[o] = append(overriddenBy[o], c.ID)
			}
		}
	}
	byPSS := map[string]policy.CheckID{}
	for _, s := range specs {
		byPSS[s.ID] = s.id
	}
	var checks []*check.Check
	for _, s := range specs {
		c, _ := check.Lookup(s.ID)
		checks = append(checks, c)
	}

	var passed, failed int
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		parts := strings.Split(filepath.ToSlash(rel), "/") // level, version, outcome, file
		lv, err := LevelVersion(parts[0], parts[1])
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p := manifest.Parse(rel, data, manifest.DefaultLimits)
		if len(p.Errors) > 0 || len(p.Objects) != 1 {
			t.Fatalf("%s: parse: %v (%d objects)", rel, p.Errors, len(p.Objects))
		}
		res := engine.Run(inventory.New(p.Objects), checks, &check.Settings{PSS: lv}, engine.Options{Workers: 1})
		checktest.Observe(checks, p.Objects, res.Findings)
		if len(res.Errors) > 0 {
			t.Fatalf("%s: %v", rel, res.Errors)
		}
		wantFail := parts[2] == "fail"
		if gotFail := len(res.Findings) > 0; gotFail != wantFail {
			t.Errorf("%s: want fail=%v, got findings %v", rel, wantFail, res.Findings)
			continue
		}
		if !wantFail {
			passed++
			continue
		}
		failed++
		// The fixture's name starts with the PSS check it breaks; that check,
		// or the restricted check that replaces it, must be the one reported.
		name := strings.TrimRight(strings.TrimSuffix(parts[3], ".yaml"), "0123456789")
		found := false
		for _, fd := range res.Findings {
			id := byPSS[fd.CheckID]
			if strings.EqualFold(string(id), name) {
				found = true
			}
			for base, by := range overriddenBy {
				if strings.EqualFold(string(base), name) && slices.Contains(by, id) {
					found = true
				}
			}
			if fd.Field == "" || fd.Location.Line == 0 {
				t.Errorf("%s: finding %s has no location: %+v", rel, fd.CheckID, fd)
			}
		}
		if !found {
			t.Errorf("%s: no finding for PSS check %q among %v", rel, name, res.Findings)
		}
	}
	t.Logf("%d fixtures: %d pass, %d fail, all as upstream expects", len(files), passed, failed)
	if passed == 0 || failed == 0 {
		t.Fatal("fixture set looks incomplete")
	}
}
