// Package checktest runs checks on YAML written in a test, through the same
// loader and engine as a real scan.
package checktest

import (
	"context"
	"testing"

	"k8s.io/pod-security-admission/api"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

// DefaultSettings are the CLI's defaults: restricted/latest, no registry
// allow-list.
func DefaultSettings() *check.Settings {
	return &check.Settings{PSS: api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}}
}

// Run evaluates the check with id on the objects in doc (multi-document YAML
// allowed) and returns its findings. settings may be nil for the defaults.
func Run(t testing.TB, id string, doc string, settings *check.Settings) []finding.Finding {
	t.Helper()
	c, ok := check.Lookup(id)
	if !ok {
		t.Fatalf("check %s is not registered", id)
	}
	p := manifest.Parse("test.yaml", []byte(doc), manifest.DefaultLimits)
	if len(p.Errors) > 0 {
		t.Fatalf("test YAML does not load: %v", p.Errors)
	}
	if settings == nil {
		settings = DefaultSettings()
	}
	res := engine.Run(inventory.New(p.Objects), []*check.Check{c}, settings, engine.Options{Workers: 1})
	if len(res.Errors) > 0 {
		t.Fatalf("check errors: %v", res.Errors)
	}
	Observe([]*check.Check{c}, p.Objects, res.Findings)
	return res.Findings
}

// Fields returns the field paths of findings, for compact assertions.
func Fields(fs []finding.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Field
	}
	return out
}

// RunDir loads every manifest under dir through the real loader and runs
// the registered checks that keep selects on it, with the CLI defaults.
func RunDir(t testing.TB, dir string, keep func(*check.Check) bool) []finding.Finding {
	t.Helper()
	loaded, err := manifest.Load(context.Background(), []string{dir}, manifest.Options{})
	if err != nil || len(loaded.Errors) > 0 {
		t.Fatalf("load %s: %v %v", dir, err, loaded.Errors)
	}
	var checks []*check.Check
	for _, c := range check.All() {
		if keep(c) {
			checks = append(checks, c)
		}
	}
	res := engine.Run(inventory.New(loaded.Objects), checks, DefaultSettings(), engine.Options{})
	if len(res.Errors) > 0 {
		t.Fatalf("check errors: %v", res.Errors)
	}
	Observe(checks, loaded.Objects, res.Findings)
	return res.Findings
}
