// Package scan wires one run together: sources → inventory → checks →
// decide → report. The CLI, the admission webhook, the benchmarks and the
// end-to-end tests all call it, so they measure and test exactly what
// users run. Entry points hand it plain settings (Flags, ImageConfig,
// AKSConfig, ClusterConfig) and render what it returns; merging them with
// the policy and the baseline happens here, once.
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
	"github.com/bulwark-sec/bulwark/internal/imagescan"
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
	// VulnGate is the gate of the vulnerability checks when the policy
	// sets one (vulnerabilities.failOn) and --fail-on does not override it.
	VulnGate *decide.Gate
	// Policy, Baseline, NewOnly and Now feed the decide step; Policy and
	// Baseline may be nil.
	Policy       *policy.Policy
	Baseline     *baseline.Baseline
	BaselineFile string
	NewOnly      bool
	Now          time.Time
	// Checks restricts the run to these checks; nil means all. Checks
	// named here that the command cannot run are an error.
	Checks []*check.Check
	// SkipChecks are left out of the run.
	SkipChecks []*check.Check
	// Workers bounds evaluation concurrency; 0 means GOMAXPROCS.
	Workers int
	// Images, when set, assesses the images the workloads use (IMG
	// checks); nil leaves the IMG checks out of the run.
	Images *ImageOptions
	// Context are objects that tell the checks about the cluster the
	// manifests deploy to without being judged themselves: the AKS
	// cluster (its network policy engine decides whether NetworkPolicies
	// are enforced at all, podLinkLocalAccess whether pods reach IMDS).
	Context []*inventory.Object

	// keepPositions keeps the objects' source positions after the checks
	// ran, for what locates fields after them (attack path evidence).
	keepPositions bool
}

// Manifests scans manifest files and directories.
func Manifests(ctx context.Context, paths []string, opt Options) (*report.Report, error) {
	sources := []check.Source{check.Manifests}
	if opt.Images != nil {
		sources = append(sources, check.Images)
	}
	p, err := planChecks(opt, "scan manifests", sources...)
	if err != nil {
		return nil, err
	}
	loaded, err := loadManifests(ctx, paths, opt)
	if err != nil {
		return nil, err
	}
	objs := append(loaded.objects, opt.Context...)
	loaded.objects = nil
	var imgs []*imagescan.Result
	selected := p.run
	if opt.Images != nil {
		var io []*inventory.Object
		io, imgs = scanWorkloadImages(ctx, objs, nil, opt.Images)
		objs = append(objs, io...)
		selected, _ = imageChecks(selected, opt.Images)
	}
	rep := evaluate(inventory.New(objs), selected, opt, "scan manifests", paths)
	loaded.addTo(rep)
	// Context objects were read for the checks, not scanned.
	rep.Inventory.Objects -= len(opt.Context)
	for _, c := range opt.Context {
		for i, k := range rep.Inventory.Kinds {
			if k.Kind == c.Kind {
				rep.Inventory.Kinds[i].Count--
			}
		}
	}
	rep.Inventory.Kinds = slices.DeleteFunc(rep.Inventory.Kinds, func(k report.KindCount) bool { return k.Count == 0 })
	if opt.Images != nil {
		addImageNotes(rep, imgs, selected, opt.Images)
	}
	rep.Summarize()
	return rep, nil
}

// loaded is what a manifest load read, as the report tells it.
type loaded struct {
	objects                  []*inventory.Object
	files, documents         int
	skipped                  []report.Skipped
	errors                   []report.InputError
	warnings                 []string
	notAssessed, viaTemplate []report.ObjectNote
}

// loadManifests reads manifest files and takes what the report needs from
// the loader, so that nothing but the objects is held while they are
// evaluated.
func loadManifests(ctx context.Context, paths []string, opt Options) (*loaded, error) {
	// No heap limit while loading: its floor (256 MiB) below a large
	// file's live heap made the collector run back to back, 3 CPU-seconds
	// more on a 64 MB ConfigMap (TestYAMLHugeScalars), for no measured
	// gain in peak memory. The limit is set once the input's size is known.
	l, err := manifest.Load(ctx, paths, opt.Manifest)
	if err != nil {
		return nil, err
	}
	limitHeap(l.Bytes)
	out := &loaded{objects: l.Objects, files: l.Files, documents: l.Documents,
		skipped: make([]report.Skipped, 0, len(l.Skipped)), errors: make([]report.InputError, 0, len(l.Errors)),
		notAssessed: make([]report.ObjectNote, 0, len(l.NotAssessed)), viaTemplate: []report.ObjectNote{}}
	for _, s := range l.Skipped {
		out.skipped = append(out.skipped, report.Skipped(s))
	}
	for _, e := range l.Errors {
		out.errors = append(out.errors, report.InputError{File: e.File, Line: e.Line, Message: e.Msg})
	}
	for _, u := range l.Unread {
		out.warnings = append(out.warnings, u.File+": "+u.Reason)
	}
	for _, n := range l.NotAssessed {
		out.notAssessed = append(out.notAssessed, report.ObjectNote(n))
	}
	for _, o := range l.Objects {
		if note := o.JudgedNote(); note != "" {
			out.viaTemplate = append(out.viaTemplate, report.ObjectNote{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Meta.Namespace,
				Name: o.Meta.Name, File: o.Loc.File, Line: o.Loc.Line, Reason: note})
		}
	}
	return out, nil
}

// addTo adds what was read to rep's inventory, errors and warnings.
func (l *loaded) addTo(rep *report.Report) {
	rep.Inventory.Files += l.files
	rep.Inventory.Documents += l.documents
	rep.Inventory.Skipped = append(rep.Inventory.Skipped, l.skipped...)
	rep.Inventory.NotAssessed = append(rep.Inventory.NotAssessed, l.notAssessed...)
	rep.Inventory.ViaTemplate = append(rep.Inventory.ViaTemplate, l.viaTemplate...)
	rep.Errors = append(rep.Errors, l.errors...)
	rep.Warnings = append(rep.Warnings, l.warnings...)
}

// evaluate runs checks over inv and applies the policy: the part of a run
// every source shares. The caller adds what it read (inventory counts,
// input errors, coverage) and calls Summarize.
func evaluate(inv *inventory.Inventory, checks []*check.Check, opt Options, command string, targets []string) *report.Report {
	return evaluateWith(inv, checks, reportChecks(checks, opt.Policy), opt, command, targets)
}

// reportChecks describe checks as the report lists them, with the
// policy's severity overrides.
func reportChecks(checks []*check.Check, pol *policy.Policy) []report.Check {
	out := make([]report.Check, 0, len(checks))
	for _, c := range checks {
		m := c.Meta
		m.Severity = pol.Severity(m.ID, m.Severity)
		out = append(out, reportCheck(m))
	}
	return out
}

// evaluateWith is evaluate with the report's check list given (a service
// computes it once).
func evaluateWith(inv *inventory.Inventory, checks []*check.Check, described []report.Check, opt Options, command string, targets []string) *report.Report {
	if opt.Policy != nil {
		opt.Settings.AllowedRegistries = opt.Policy.Images.AllowedRegistries
	}
	res := engine.Run(inv, checks, &opt.Settings, engine.Options{Workers: opt.Workers, ReleasePositions: !opt.keepPositions, Unmerged: true})
	if !opt.keepPositions {
		inv.ReleasePositions()
	}
	lookup := objectLookup(inv)
	objects, kinds := len(inv.Objects), inv.Kinds()
	// inv is not used past this point: the objects can be freed while the
	// findings are decided, which needs only their labels and annotations.
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	decider := &decide.Decider{Gate: opt.Gate, VulnGate: opt.VulnGate, Policy: opt.Policy, Baseline: opt.Baseline, NewOnly: opt.NewOnly, Now: opt.Now, Objects: lookup}
	// Each finding is decided and converted in one step, and the engine's
	// findings are dropped after: the report's copies are the only ones
	// allocated beside them (no decided copy, no merged one).
	pass := decider.Begin()
	findings := make([]report.Finding, 0, res.Len())
	res.Each(func(f *finding.Finding) {
		d := pass.Decide(f)
		findings = append(findings, reportFinding(&d))
	})
	outcome := pass.Finish()

	rep := &report.Report{
		SchemaVersion: report.SchemaVersion,
		Tool:          report.Tool{Name: "bulwark", Version: version.Version, URI: version.URI},
		Command:       command,
		Targets:       targets,
		Settings: report.Settings{
			PSSLevel:   string(opt.Settings.PSS.Level),
			PSSVersion: opt.Settings.PSS.Version.String(),
			FailOn:     opt.Gate.String(),
			Baseline:   opt.BaselineFile,
			NewOnly:    opt.NewOnly,
			AsOf:       opt.Now.UTC().Format(policy.DateLayout),
		},
		Findings:    findings,
		Exceptions:  reportExceptions(outcome.Exceptions),
		Warnings:    nonNil(outcome.Warnings),
		CheckErrors: reportCheckErrors(res.CheckErrors()),
		Inventory: report.Inventory{
			Objects:     objects,
			Kinds:       reportKinds(kinds),
			Skipped:     []report.Skipped{},
			NotAssessed: []report.ObjectNote{},
			ViaTemplate: []report.ObjectNote{},
		},
		Errors:   []report.InputError{},
		Coverage: []report.Coverage{},
	}
	if opt.Policy != nil {
		rep.Settings.Policy = opt.Policy.Source
		rep.Warnings = append(slices.Clone(opt.Policy.Warnings), rep.Warnings...)
	}
	rep.Checks = described
	return rep
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// objectLookup gives the decide step the labels and annotations of a
// finding's object. It keeps only those maps, not the objects.
func objectLookup(inv *inventory.Inventory) func(finding.Subject) policy.Object {
	bySubject := make(map[string]policy.Object, len(inv.Objects))
	for _, o := range inv.Objects {
		bySubject[o.Subject().Key()] = policy.Object{Labels: o.Meta.Labels, Annotations: o.Meta.Annotations}
	}
	return func(s finding.Subject) policy.Object { return bySubject[s.Key()] }
}

// SelectChecks resolves ids given on the command line into the checks
// asked for (nil: all) and those left out. An unknown id is an error: a
// typo must never turn into a run that checks nothing and passes.
func SelectChecks(include, exclude []string) (in, out []*check.Check, err error) {
	resolve := func(ids []string) ([]*check.Check, error) {
		var cs []*check.Check
		for _, id := range ids {
			c, ok := check.Lookup(id)
			if !ok {
				return nil, fmt.Errorf("unknown check id %q (see `bulwark checks list`)", id)
			}
			if !slices.Contains(cs, c) {
				cs = append(cs, c)
			}
		}
		return cs, nil
	}
	if in, err = resolve(include); err != nil {
		return nil, nil, err
	}
	if out, err = resolve(exclude); err != nil {
		return nil, nil, err
	}
	return in, out, nil
}
