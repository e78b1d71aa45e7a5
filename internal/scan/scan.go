// Package scan wires one run together: sources → inventory → checks →
// decide → report. The CLI, the benchmarks and the end-to-end tests all
// call it, so they measure and test exactly what users run.
package scan

import (
	"context"
	"fmt"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
	"github.com/bulwark-sec/bulwark/internal/version"

	_ "github.com/bulwark-sec/bulwark/internal/checks" // register the catalog
)

// Options configure a manifest scan.
type Options struct {
	Manifest   manifest.Options
	Settings   check.Settings
	Gate       decide.Gate
	PolicyFile string
	// Checks restricts the run to these checks; nil means all.
	Checks []*check.Check
	// Workers bounds evaluation concurrency; 0 means GOMAXPROCS.
	Workers int
}

// Manifests scans manifest files and directories.
func Manifests(ctx context.Context, paths []string, opt Options) (*report.Report, error) {
	loaded, err := manifest.Load(ctx, paths, opt.Manifest)
	if err != nil {
		return nil, err
	}
	checks := opt.Checks
	if checks == nil {
		checks = check.All()
	}
	inv := inventory.New(loaded.Objects)
	res := engine.Run(inv, checks, &opt.Settings, engine.Options{Workers: opt.Workers})

	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "bulwark", Version: version.Version, URI: version.URI},
		Command:       "scan manifests",
		Targets:       paths,
		Settings: report.Settings{
			PSSLevel:   string(opt.Settings.PSS.Level),
			PSSVersion: opt.Settings.PSS.Version.String(),
			FailOn:     opt.Gate.String(),
			Policy:     opt.PolicyFile,
		},
		Findings:    decide.Apply(res.Findings, opt.Gate),
		CheckErrors: res.CheckErrors(),
		Inventory: report.Inventory{
			Files:     loaded.Files,
			Documents: loaded.Documents,
			Objects:   len(loaded.Objects),
			Kinds:     inv.Kinds(),
			Skipped:   make([]report.Skipped, 0, len(loaded.Skipped)),
		},
		Errors: make([]report.InputError, 0, len(loaded.Errors)),
	}
	for _, c := range checks {
		rep.Checks = append(rep.Checks, c.Meta)
	}
	for _, s := range loaded.Skipped {
		rep.Inventory.Skipped = append(rep.Inventory.Skipped, report.Skipped(s))
	}
	for _, e := range loaded.Errors {
		rep.Errors = append(rep.Errors, report.InputError{File: e.File, Line: e.Line, Message: e.Msg})
	}
	if rep.Findings == nil {
		rep.Findings = []decide.Decided{}
	}
	rep.Summarize()
	return rep, nil
}

// SelectChecks resolves ids given on the command line. An unknown id is an
// error: a typo must never turn into a run that checks nothing and passes.
func SelectChecks(include, exclude []string) ([]*check.Check, error) {
	for _, id := range append(append([]string(nil), include...), exclude...) {
		if _, ok := check.Lookup(id); !ok {
			return nil, fmt.Errorf("unknown check id %q (see `bulwark checks list`)", id)
		}
	}
	in := map[string]bool{}
	for _, id := range include {
		c, _ := check.Lookup(id)
		in[c.ID] = true
	}
	out := map[string]bool{}
	for _, id := range exclude {
		c, _ := check.Lookup(id)
		out[c.ID] = true
	}
	var sel []*check.Check
	for _, c := range check.All() {
		if (len(in) == 0 || in[c.ID]) && !out[c.ID] {
			sel = append(sel, c)
		}
	}
	return sel, nil
}
