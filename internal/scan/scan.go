// Package scan wires one run together: sources → inventory → checks →
// decide → report. The CLI, the benchmarks and the end-to-end tests all
// call it, so they measure and test exactly what users run.
package scan

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/bulwark-sec/bulwark/internal/baseline"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/policy"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
	"github.com/bulwark-sec/bulwark/internal/version"

	_ "github.com/bulwark-sec/bulwark/internal/checks" // register the catalog
)

// Options configure a manifest scan.
type Options struct {
	Manifest manifest.Options
	Settings check.Settings
	Gate     decide.Gate
	// Policy, Baseline, NewOnly and Now feed the decide step; Policy and
	// Baseline may be nil.
	Policy       *policy.Policy
	Baseline     *baseline.Baseline
	BaselineFile string
	NewOnly      bool
	Now          time.Time
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
	checks = slices.DeleteFunc(slices.Clone(checks), func(c *check.Check) bool { return !opt.Policy.Selects(c) })
	if opt.Policy != nil {
		opt.Settings.AllowedRegistries = opt.Policy.Images.AllowedRegistries
	}
	inv := inventory.New(loaded.Objects)
	res := engine.Run(inv, checks, &opt.Settings, engine.Options{Workers: opt.Workers})
	inv.ReleasePositions()
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	decider := &decide.Decider{Gate: opt.Gate, Policy: opt.Policy, Baseline: opt.Baseline, NewOnly: opt.NewOnly, Now: opt.Now, Objects: objectLookup(inv)}
	outcome := decider.Apply(res.Findings)

	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "bulwark", Version: version.Version, URI: version.URI},
		Command:       "scan manifests",
		Targets:       paths,
		Settings: report.Settings{
			PSSLevel:   string(opt.Settings.PSS.Level),
			PSSVersion: opt.Settings.PSS.Version.String(),
			FailOn:     opt.Gate.String(),
			Baseline:   opt.BaselineFile,
			NewOnly:    opt.NewOnly,
			AsOf:       opt.Now.UTC().Format(policy.DateLayout),
		},
		Findings:    outcome.Findings,
		Exceptions:  nonNil(outcome.Exceptions),
		Warnings:    nonNil(outcome.Warnings),
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
	if opt.Policy != nil {
		rep.Settings.Policy = opt.Policy.Source
		rep.Warnings = append(slices.Clone(opt.Policy.Warnings), rep.Warnings...)
	}
	for _, c := range checks {
		m := c.Meta
		m.Severity = opt.Policy.Severity(m.ID, m.Severity)
		rep.Checks = append(rep.Checks, m)
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

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// objectLookup gives the decide step the labels and annotations of a
// finding's object.
func objectLookup(inv *inventory.Inventory) func(finding.Subject) policy.Object {
	bySubject := make(map[string]*inventory.Object, len(inv.Objects))
	for _, o := range inv.Objects {
		bySubject[o.Subject().Key()] = o
	}
	return func(s finding.Subject) policy.Object {
		o, ok := bySubject[s.Key()]
		if !ok {
			return policy.Object{}
		}
		return policy.Object{Labels: o.Meta.Labels, Annotations: o.Meta.Annotations}
	}
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
