package scan

import (
	v1 "github.com/google/go-containerregistry/pkg/v1"
	corev1 "k8s.io/api/core/v1"

	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"k8s.io/client-go/rest"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/cluster"
)

// ClusterOptions configure a live-cluster scan.
type ClusterOptions struct {
	Options
	// Config is the API server and credentials (cluster.Config reads them
	// from a kubeconfig).
	Config *rest.Config
	// Source selects namespaces and tunes the listing.
	Source cluster.Options
	// ImageTimeout bounds the image assessment (Options.Images), which
	// starts when the cluster has been read; 0 means no bound of its own.
	ImageTimeout time.Duration
}

// Cluster scans a running cluster: it reads it (cluster.Collect), then
// evaluates and decides exactly as for manifests (Collected).
func Cluster(ctx context.Context, opt ClusterOptions) (*report.Report, error) {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	opt.Source.Now = opt.Now
	if _, err := planChecks(opt.Options, "scan cluster", clusterSources(opt.Options)...); err != nil {
		return nil, err
	}
	res, err := cluster.Collect(ctx, opt.Config, opt.Source)
	if err != nil {
		return nil, err
	}
	res.Objects = append(res.Objects, opt.Context...)
	if opt.Images == nil {
		return Collected(res, opt.Options)
	}
	ictx := context.WithoutCancel(ctx)
	if opt.ImageTimeout > 0 {
		var cancel context.CancelFunc
		ictx, cancel = context.WithTimeout(ictx, opt.ImageTimeout)
		defer cancel()
	}
	imgs := readImages(ictx, res, opt.Images)
	rep, err := Collected(res, opt.Options)
	if err != nil {
		return nil, err
	}
	p, _ := planChecks(opt.Options, "scan cluster", clusterSources(opt.Options)...)
	selected, _ := imageChecks(p.run, opt.Images)
	addImageNotes(rep, imgs, selected, opt.Images)
	rep.Summarize()
	return rep, nil
}

// readImages assesses the images of what was read of a cluster (the
// digests its pods run, the workloads' references) and adds them to
// res.Objects for the IMG checks.
func readImages(ctx context.Context, res *cluster.Result, opt *ImageOptions) []*imagescan.Result {
	var pods []*inventory.Object
	if res.Info != nil {
		pods = res.Info.ControlledPods
	}
	io := *opt
	if len(io.Platforms) == 0 {
		io.Platforms = nodePlatforms(res.Objects)
	}
	objs, imgs := scanWorkloadImages(ctx, res.Objects, pods, &io)
	res.Objects = append(res.Objects, objs...)
	return imgs
}

// nodePlatforms are the os/arch pairs the cluster's nodes run, which is
// what matters in a multi-platform image; nil (the defaults) when no node
// could be read.
func nodePlatforms(objs []*inventory.Object) []v1.Platform {
	var out []v1.Platform
	for _, o := range objs {
		n, ok := o.Typed.(*corev1.Node)
		if !ok || n.Status.NodeInfo.OperatingSystem == "" || n.Status.NodeInfo.Architecture == "" {
			continue
		}
		p := v1.Platform{OS: n.Status.NodeInfo.OperatingSystem, Architecture: n.Status.NodeInfo.Architecture}
		if !slices.ContainsFunc(out, func(q v1.Platform) bool { return q.Equals(p) }) {
			out = append(out, p)
		}
	}
	return out
}

// Collected evaluates what cluster.Collect read and decides on it.
// Cluster is Collect followed by Collected; benchmarks time them apart.
//
// A kind that could not be read makes the run's result "error" (exit 2)
// when a selected check needed it: those checks are listed in the report's
// coverage as not assessed, never counted as passed.
func Collected(res *cluster.Result, opt Options) (*report.Report, error) {
	p, err := planChecks(opt, "scan cluster", clusterSources(opt)...)
	if err != nil {
		return nil, err
	}
	selected := p.run
	if opt.Images != nil {
		selected, _ = imageChecks(selected, opt.Images)
	}
	return evaluateRead(res, selected, p.elsewhere, opt, "scan cluster"), nil
}

// evaluateRead evaluates res with the selected checks (elsewhere: those that
// judge its kinds but need another source) and decides on the findings.
func evaluateRead(res *cluster.Result, selected, elsewhere []*check.Check, opt Options, command string) *report.Report {
	run := readable(res, selected)
	coverage, inputErrors, warnings := coverageOf(res, selected, elsewhere)
	targets := []string{res.Server}

	// The inventory is the last use of res: the objects can be freed once
	// the checks have run (see evaluate).
	rep := evaluate(inventory.New(res.Objects), run, opt, command, targets)
	rep.Coverage = coverage
	rep.Errors = append(rep.Errors, inputErrors...)
	rep.Warnings = append(rep.Warnings, warnings...)
	rep.Summarize()
	return rep
}

// readable are the selected checks whose kinds res could read: a check
// that reads a kind the credentials could not list does not run (its
// coverage row says it was not assessed).
func readable(res *cluster.Result, selected []*check.Check) []*check.Check {
	var run []*check.Check
	for _, c := range selected {
		unreadable := slices.ContainsFunc(res.Kinds, func(k cluster.KindResult) bool {
			return k.Err != nil && slices.Contains(c.Reads, k.Kind.Kind)
		})
		if !unreadable {
			run = append(run, c)
		}
	}
	return run
}

// clusterSources are what a live scan feeds: the cluster's objects, and
// its images when they are assessed.
func clusterSources(opt Options) []check.Source {
	if opt.Images != nil {
		return []check.Source{check.Cluster, check.Images}
	}
	return []check.Source{check.Cluster}
}

// coverageOf says, per kind, what was read and which selected checks could
// not assess it. A kind that could not be read is an input error when a
// selected check needed it, else a warning.
func coverageOf(res *cluster.Result, selected, elsewhere []*check.Check) (rows []report.Coverage, errs []report.InputError, warnings []string) {
	rows = []report.Coverage{}
	for _, k := range res.Kinds {
		row := report.Coverage{
			Kind:        k.Kind.Kind,
			Resource:    k.Path("", ""),
			Status:      report.CoverageRead,
			Collected:   k.Collected,
			Assessed:    k.Collected - k.Controlled,
			NotAssessed: []string{},
		}
		switch {
		case k.Err != nil:
			row.Status, row.Reason = report.CoverageNotRead, k.Err.Error()
			for _, c := range selected {
				if c.AppliesTo(k.Kind.Kind) || slices.Contains(c.Reads, k.Kind.Kind) {
					row.NotAssessed = append(row.NotAssessed, c.ID)
				}
			}
			if len(row.NotAssessed) > 0 {
				errs = append(errs, report.InputError{Resource: row.Resource,
					Message: fmt.Sprintf("%s; not assessed by %s", k.Err, strings.Join(row.NotAssessed, ", "))})
			} else {
				warnings = append(warnings, fmt.Sprintf("%s: %s (no selected check needs %s objects)", row.Resource, k.Err, k.Kind.Kind))
			}
		case k.NotServed:
			row.Status, row.Reason = report.CoverageNotServed, "the API server does not serve "+k.GroupResource()
		default:
			// Checks of this kind that a live cluster cannot feed.
			for _, c := range elsewhere {
				if slices.Contains(c.Kinds, k.Kind.Kind) {
					row.NotAssessed = append(row.NotAssessed, c.ID)
					row.Reason = c.SourceNote
				}
			}
		}
		rows = append(rows, row)
	}
	for _, c := range elsewhere {
		if slices.Contains(c.Kinds, "*") {
			rows = append(rows, report.Coverage{Kind: "*", Status: report.CoverageNotApplicable, Reason: c.SourceNote, NotAssessed: []string{c.ID}})
		}
	}
	return rows, errs, warnings
}
