package scan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
)

// DefaultFleetConcurrency is how many clusters a fleet assessment reads at
// once: each read is a dozen Azure API calls, and Azure Resource Manager
// throttles a principal's reads per subscription.
const DefaultFleetConcurrency = 4

// FleetOptions configure an assessment of every AKS cluster of one or more
// subscriptions.
type FleetOptions struct {
	// Options are the run's policy, gate and baseline, the same for every
	// cluster.
	Options
	// Find says where to look (subscriptions, resource group) and how to
	// reach Azure; each cluster is read with the same credential.
	Find azure.FindOptions
	// Concurrency bounds the clusters read at once
	// (DefaultFleetConcurrency when 0).
	Concurrency int
	// Timeout bounds the read of each cluster; one that takes longer is
	// not assessed. 0 leaves it to the context.
	Timeout time.Duration
	// Calendar is the AKS version calendar; nil means the embedded one.
	Calendar *aksmodel.Calendar
}

// FleetResult is one report over the fleet and each cluster's own.
type FleetResult struct {
	// Report joins the clusters' findings and attack paths under one
	// gate; its fleet section lists every cluster, and each cluster that
	// could not be assessed is an input error, so the run exits 2.
	Report *report.Report
	// Clusters are the clusters' own reports, in the order of
	// Report.Fleet.Clusters; nil for a cluster not assessed.
	Clusters []*report.Report
}

// Fleet finds AKS clusters with Azure Resource Graph and assesses the Azure
// side of each (as `assess --subscription --resource-group --name` does),
// at most Concurrency at once. A cluster that cannot be read (no
// permission, gone since Resource Graph listed it, timed out) is listed as
// not assessed with the reason, never left out. Finding no cluster at all
// is an error.
func Fleet(ctx context.Context, opt FleetOptions) (*FleetResult, error) {
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Images != nil {
		return nil, usageErr("a fleet assessment reads the Azure side of each cluster: it has no workloads whose images to assess")
	}
	// A selection the command cannot run fails before any Azure call.
	if _, err := planChecks(opt.Options, "assess", assessSources(false, false, true, false)...); err != nil {
		return nil, err
	}
	fctx := ctx
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		fctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}
	refs, err := azure.FindClusters(fctx, opt.Find)
	if err != nil {
		return nil, err
	}
	scope := fleetScope(opt.Find)
	if len(refs) == 0 {
		return nil, fmt.Errorf("no AKS cluster found in %s that the credential may read", strings.Join(scope, ", "))
	}
	workers := opt.Concurrency
	if workers <= 0 {
		workers = DefaultFleetConcurrency
	}
	reps := make([]*report.Report, len(refs))
	reasons := make([]string, len(refs))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	// The slot is taken before the goroutine starts: thousands of
	// clusters wait in this loop, not as parked goroutines.
	for i, ref := range refs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			reps[i], reasons[i] = assessCluster(ctx, ref, opt)
		})
	}
	wg.Wait()

	// An empty run lends the fleet report its tool and settings.
	parts := []*report.Report{evaluate(inventory.New(nil), nil, opt.Options, "assess", scope)}
	fleet := &report.Fleet{}
	var notRead []report.InputError
	for i, ref := range refs {
		c := report.FleetCluster{ID: ref.ID, Name: ref.Name, ResourceGroup: ref.ResourceGroup, Subscription: ref.Subscription, Location: ref.Location}
		if rep := reps[i]; rep != nil {
			c.Status, c.Result = report.ClusterAssessed, rep.Summary.Result
			c.Findings, c.Blocking, c.AttackPaths = rep.Summary.Findings, rep.Summary.Blocking, len(rep.AttackPaths)
			parts = append(parts, rep)
		} else {
			c.Status, c.Reason = report.ClusterNotAssessed, reasons[i]
			notRead = append(notRead, report.InputError{Resource: ref.ID, Message: "cluster not assessed: " + reasons[i]})
		}
		fleet.Clusters = append(fleet.Clusters, c)
	}
	rep := report.Merge(parts...)
	rep.Command, rep.Targets = "assess", scope
	// Each cluster is read with the registries of its resource group:
	// clusters that share one would report its findings and paths once
	// each.
	seen := map[string]bool{}
	rep.Findings = slices.DeleteFunc(rep.Findings, func(f report.Finding) bool {
		dup := seen[f.Fingerprint]
		seen[f.Fingerprint] = true
		return dup
	})
	rep.AttackPaths = slices.DeleteFunc(rep.AttackPaths, func(p report.AttackPath) bool {
		dup := seen["path:"+p.ID]
		seen["path:"+p.ID] = true
		return dup
	})
	rep.Errors = append(rep.Errors, notRead...)
	fleet.Summarize()
	rep.Fleet = fleet
	rep.Summarize()
	return &FleetResult{Report: rep, Clusters: reps}, nil
}

// WriteClusters writes each assessed cluster's own report as JSON into
// dir (created if missing), one file per cluster named for its
// subscription, resource group and name, and returns the files written.
// Each file is complete or absent: it is written under a temporary name
// and renamed.
func (r *FleetResult) WriteClusters(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var out []string
	for i, c := range r.Report.Fleet.Clusters {
		rep := r.Clusters[i]
		if rep == nil {
			continue
		}
		name := filepath.Join(dir, fileSafe.ReplaceAllString(c.Subscription+"_"+c.ResourceGroup+"_"+c.Name, "_")+".json")
		if err := writeJSON(name, rep); err != nil {
			return out, err
		}
		out = append(out, name)
	}
	return out, nil
}

// fileSafe matches what may not be in a result's file name.
var fileSafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func writeJSON(name string, rep *report.Report) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".bulwark-*.json")
	if err != nil {
		return err
	}
	err = render.JSON(f, rep)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// assessCluster assesses one cluster, or says why it could not.
func assessCluster(ctx context.Context, ref azure.ClusterRef, opt FleetOptions) (*report.Report, string) {
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}
	live := &azure.LiveOptions{Subscription: ref.Subscription, ResourceGroup: ref.ResourceGroup, Name: ref.Name,
		Credential: opt.Find.Credential, ClientOptions: opt.Find.ClientOptions}
	rep, err := Assess(ctx, AssessOptions{Options: opt.Options, AKS: AKSOptions{Options: opt.Options, Live: live, Calendar: opt.Calendar}})
	switch {
	case err == nil:
		return rep, ""
	case errors.Is(err, context.DeadlineExceeded) && opt.Timeout > 0:
		return nil, fmt.Sprintf("timed out after %s", opt.Timeout)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return nil, "the run was stopped before the cluster was read"
	}
	return nil, azure.ShortError(err)
}

// fleetScope names what a fleet assessment searched.
func fleetScope(f azure.FindOptions) []string {
	var out []string
	for _, s := range f.Subscriptions {
		t := "/subscriptions/" + s
		if f.ResourceGroup != "" {
			t += "/resourceGroups/" + f.ResourceGroup
		}
		out = append(out, t)
	}
	return out
}
