package scan

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"k8s.io/client-go/rest"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/attackpath"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
	"github.com/bulwark-sec/bulwark/internal/source/cluster"
)

// LiveCluster is a running cluster to read the Kubernetes objects from.
type LiveCluster struct {
	// Config is the API server and credentials (see KubeConfig).
	Config *rest.Config
	// Source selects namespaces and tunes the listing.
	Source cluster.Options
	// Timeout bounds reading the cluster; 0 leaves it to the context.
	Timeout time.Duration
}

// AssessOptions configure an assessment of every layer in one run.
type AssessOptions struct {
	// Options are the run's policy, gate, baseline and, when Images is
	// set, how the workloads' images are assessed.
	Options
	// Manifests are the Kubernetes objects: files and directories.
	Manifests []string
	// Live, when set, reads the Kubernetes objects from a running cluster
	// instead of Manifests.
	Live *LiveCluster
	// AKS are the Azure side: az/ARM JSON, templates, Terraform plans
	// (AKS.Live reads them from Azure instead).
	AKS AKSOptions
}

// MaxAttackPaths bounds the paths a report lists; the findings still
// count every path (Finding.AttackPaths) and a warning says how many were
// left out.
const MaxAttackPaths = 200

// Assess judges the Azure side of AKS, the Kubernetes objects deployed to
// it and the images they run as one inventory: every check that any of
// them feeds runs once, one policy decides, one gate, and attack paths
// join the findings across the layers.
func Assess(ctx context.Context, opt AssessOptions) (*report.Report, error) {
	if len(opt.Manifests) == 0 && opt.Live == nil && len(opt.AKS.Paths) == 0 && opt.AKS.Live == nil {
		return nil, usageErr("nothing to assess: give manifests or a live cluster, and an AKS cluster (--aks)")
	}
	if len(opt.Manifests) > 0 && opt.Live != nil {
		return nil, usageErr("give manifests or a live cluster, not both")
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	sources := assessSources(len(opt.Manifests) > 0, opt.Live != nil, len(opt.AKS.Paths) > 0 || opt.AKS.Live != nil, opt.Images != nil)
	p, err := planChecks(opt.Options, "assess", sources...)
	if err != nil {
		return nil, err
	}
	var targets []string
	var objs []*inventory.Object
	var k8s *loaded
	if len(opt.Manifests) > 0 {
		if k8s, err = loadManifests(ctx, opt.Manifests, opt.Options); err != nil {
			return nil, err
		}
		objs = k8s.objects
		k8s.objects = nil
		targets = append(targets, opt.Manifests...)
	}
	var read *cluster.Result
	var pods []*inventory.Object
	if opt.Live != nil {
		src := opt.Live.Source
		src.Now = opt.Now
		rctx, cancel := ctx, context.CancelFunc(func() {})
		if opt.Live.Timeout > 0 {
			rctx, cancel = context.WithTimeout(ctx, opt.Live.Timeout)
		}
		read, err = cluster.Collect(rctx, opt.Live.Config, src)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("reading the cluster: %w", err)
		}
		objs = read.Objects
		if read.Info != nil {
			pods = read.Info.ControlledPods
		}
		targets = append(targets, read.Server)
	}
	var az *azure.Result
	var cal *aksmodel.Calendar
	if opt.AKS.Live != nil || len(opt.AKS.Paths) > 0 {
		if opt.AKS.Live != nil {
			az, err = azure.Live(ctx, *opt.AKS.Live)
			targets = append(targets, opt.AKS.Live.Target())
		} else {
			az, err = azure.Load(ctx, opt.AKS.Paths, opt.AKS.Source)
			targets = append(targets, opt.AKS.Paths...)
		}
		if err != nil {
			return nil, err
		}
		cal = setAKSEnv(az, opt.AKS.Calendar, opt.Now)
		objs = append(objs, az.Objects...)
	}
	selected := p.run
	var imgs []*imagescan.Result
	if opt.Images != nil {
		var io []*inventory.Object
		iopt := *opt.Images
		if read != nil && len(iopt.Platforms) == 0 {
			// What matters in a multi-platform image is what the nodes run.
			iopt.Platforms = nodePlatforms(objs)
		}
		io, imgs = scanWorkloadImages(ctx, objs, pods, &iopt)
		objs = append(objs, io...)
		selected, _ = imageChecks(selected, opt.Images)
	}
	run := selected
	if read != nil {
		run = readable(read, selected)
	}
	inv := inventory.New(objs)
	ropt := opt.Options
	ropt.keepPositions = true
	rep := evaluate(inv, run, ropt, "assess", targets)
	if k8s != nil {
		k8s.addTo(rep)
	}
	if read != nil {
		// What the credentials could not read leaves the checks that
		// needed it not assessed, and the verdict incomplete.
		coverage, errs, warnings := coverageOf(read, selected, p.elsewhere)
		rep.Coverage = coverage
		rep.Errors = append(rep.Errors, errs...)
		rep.Warnings = append(rep.Warnings, warnings...)
	}
	if az != nil {
		addAKSNotes(rep, az, inv, selected, cal, opt.Now)
	}
	if opt.Images != nil {
		addImageNotes(rep, imgs, selected, opt.Images)
	}
	addAttackPaths(rep, inv)
	rep.Summarize()
	return rep, nil
}

// assessSources are the sources an assessment reads: only those given, so
// that no check is listed as run over an input that was not there. A live
// cluster feeds the checks that judge what is running (pods against their
// namespace's level, nodes) instead of those that judge how files are
// written.
func assessSources(manifests, live, azureSide, images bool) []check.Source {
	var out []check.Source
	for _, s := range []struct {
		on  bool
		src check.Source
	}{{manifests, check.Manifests}, {live, check.Cluster}, {azureSide, check.Azure}, {images, check.Images}} {
		if s.on {
			out = append(out, s.src)
		}
	}
	return out
}

// addAttackPaths finds the attack paths through rep's findings, counts
// them on each finding and lists findings on a path first.
func addAttackPaths(rep *report.Report, inv *inventory.Inventory) {
	paths := attackpath.Build(inv, rep.Findings, attackpath.StepOf).Analyze()
	on := map[string]int{}
	for _, p := range paths {
		seen := map[string]bool{}
		for _, h := range p.Hops {
			for _, e := range h.Evidence {
				if e.Fingerprint != "" && !seen[e.Fingerprint] {
					seen[e.Fingerprint] = true
					on[e.Fingerprint]++
				}
			}
		}
	}
	for i := range rep.Findings {
		rep.Findings[i].AttackPaths = on[rep.Findings[i].Fingerprint]
	}
	slices.SortStableFunc(rep.Findings, func(a, b report.Finding) int {
		return cmp.Compare(min(b.AttackPaths, 1), min(a.AttackPaths, 1))
	})
	if len(paths) > MaxAttackPaths {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%d attack paths found; the report lists the %d best scored (every finding counts all of them)", len(paths), MaxAttackPaths))
		paths = paths[:MaxAttackPaths]
	}
	rep.AttackPaths = paths
}
