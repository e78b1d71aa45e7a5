package scan

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/attackpath"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
)

// AssessOptions configure an assessment of every layer in one run.
type AssessOptions struct {
	// Options are the run's policy, gate, baseline and, when Images is
	// set, how the workloads' images are assessed.
	Options
	// Manifests are the Kubernetes objects: files and directories.
	Manifests []string
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
	if len(opt.Manifests) == 0 && len(opt.AKS.Paths) == 0 && opt.AKS.Live == nil {
		return nil, usageErr("nothing to assess: give manifests and an AKS cluster (--aks)")
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	sources := []check.Source{check.Manifests, check.Azure}
	if opt.Images != nil {
		sources = append(sources, check.Images)
	}
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
		io, imgs = scanWorkloadImages(ctx, objs, nil, opt.Images)
		objs = append(objs, io...)
		selected, _ = imageChecks(selected, opt.Images)
	}
	inv := inventory.New(objs)
	ropt := opt.Options
	ropt.keepPositions = true
	rep := evaluate(inv, selected, ropt, "assess", targets)
	if k8s != nil {
		k8s.addTo(rep)
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
