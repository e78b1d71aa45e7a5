package scan

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
)

// AKSOptions configure a scan of the Azure side of AKS clusters and their
// registries.
type AKSOptions struct {
	Options
	// Paths are the files and directories to read (az output, ARM GET
	// JSON, ARM templates, Terraform plans). Ignored when Live is set.
	Paths  []string
	Source azure.Options
	// Live, when set, reads from Azure instead of files.
	Live *azure.LiveOptions
	// Calendar is the AKS version calendar; nil means the embedded one.
	Calendar *aksmodel.Calendar
}

// AKS scans AKS clusters and container registries from files or live.
func AKS(ctx context.Context, opt AKSOptions) (*report.Report, error) {
	if _, err := planChecks(opt.Options, "scan aks", check.Azure); err != nil {
		return nil, err
	}
	var (
		res *azure.Result
		err error
	)
	if opt.Live != nil {
		res, err = azure.Live(ctx, *opt.Live)
	} else {
		res, err = azure.Load(ctx, opt.Paths, opt.Source)
	}
	if err != nil {
		return nil, err
	}
	targets := opt.Paths
	if opt.Live != nil {
		targets = []string{opt.Live.Target()}
	}
	return AKSCollected(res, targets, opt)
}

// AKSCollected evaluates what the Azure source read and decides on it:
// the same checks, policy, exceptions and grace periods as any scan. What
// the input could not provide (a gap: a template expression unknown before
// deployment, diagnostic settings az aks show does not include, a preview
// field) leaves the checks reading it not assessed; the report's warnings
// list them, object by object.
func AKSCollected(res *azure.Result, targets []string, opt AKSOptions) (*report.Report, error) {
	p, err := planChecks(opt.Options, "scan aks", check.Azure)
	if err != nil {
		return nil, err
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	cal := setAKSEnv(res, opt.Calendar, opt.Now)
	selected := p.run
	inv := inventory.New(res.Objects)
	rep := evaluate(inv, selected, opt.Options, "scan aks", targets)
	addAKSNotes(rep, res, inv, selected, cal, opt.Now)
	rep.Summarize()
	return rep, nil
}

// addAKSNotes adds to rep what the Azure source read and could not read.
func addAKSNotes(rep *report.Report, res *azure.Result, inv *inventory.Inventory, selected []*check.Check, cal *aksmodel.Calendar, now time.Time) {
	rep.Inventory.Files += res.Files
	rep.Inventory.Documents += res.Documents
	for _, s := range res.Skipped {
		rep.Inventory.Skipped = append(rep.Inventory.Skipped, report.Skipped{File: s.File, Line: s.Line, Reason: s.Reason})
	}
	for _, e := range res.Errors {
		rep.Errors = append(rep.Errors, report.InputError{File: e.File, Line: e.Line, Resource: e.Resource, Message: e.Msg})
	}
	rep.Warnings = append(rep.Warnings, res.Warnings...)
	if len(inv.OfKind(aksmodel.KindCluster)) > 0 && cal.Stale(now) && slices.ContainsFunc(selected, func(c *check.Check) bool { return slices.Contains(c.Data, check.DataVersions) }) {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("the AKS version calendar is dated %s, more than %d days before %s: version checks may miss newer releases, ends of support and retirements; use a newer bulwark or scan live",
			cal.Date.Format(time.DateOnly), int(aksmodel.StaleAfter.Hours()/24), now.Format(time.DateOnly)))
	}
	rep.Warnings = append(rep.Warnings, notAssessed(inv, selected)...)
}

// setAKSEnv gives each cluster read the run's context: the version
// calendar (cal, or the embedded one) and, live, what its region offers.
// It returns the calendar used.
func setAKSEnv(res *azure.Result, cal *aksmodel.Calendar, now time.Time) *aksmodel.Calendar {
	if cal == nil {
		cal = aksmodel.EmbeddedCalendar()
	}
	base := aksmodel.DefaultEnv(now)
	base.Calendar = cal
	envs := map[string]*aksmodel.Env{}
	for _, o := range res.Objects {
		c, ok := o.Typed.(*aksmodel.Cluster)
		if !ok {
			continue
		}
		// Live scans know what each region offers.
		loc := strings.ToLower(aksmodel.Str(c.Model.Location))
		if offered, ok := res.Offered[loc]; ok {
			if envs[loc] == nil {
				e := *base
				e.Offered = offered
				envs[loc] = &e
			}
			c.Env = envs[loc]
			continue
		}
		c.Env = base
	}
	return cal
}

// notAssessed lists, per object and reason, the selected checks that gaps
// in the input kept from judging the object, and the fields concerned.
func notAssessed(inv *inventory.Inventory, selected []*check.Check) []string {
	var out []string
	for _, o := range inv.Objects {
		var gaps aksmodel.Gaps
		var pools []*aksmodel.Pool
		var name string
		switch t := o.Typed.(type) {
		case *aksmodel.Cluster:
			gaps, pools, name = t.Gaps, t.Pools, t.Name
		case *aksmodel.Registry:
			gaps, name = t.Gaps, t.Name
		default:
			continue
		}
		if len(gaps) == 0 {
			continue
		}
		type group struct{ paths, checks []string }
		byReason := map[string]*group{}
		var reasons []string
		for _, c := range selected {
			if !c.AppliesTo(o.Kind) {
				continue
			}
			for _, g := range aksmodel.ObjectGaps(gaps, c.Fields, pools) {
				gr := byReason[g.Reason]
				if gr == nil {
					gr = &group{}
					byReason[g.Reason] = gr
					reasons = append(reasons, g.Reason)
				}
				if !slices.Contains(gr.paths, g.Path) {
					gr.paths = append(gr.paths, g.Path)
				}
				if !slices.Contains(gr.checks, c.ID) {
					gr.checks = append(gr.checks, c.ID)
				}
			}
		}
		slices.SortFunc(reasons, func(a, b string) int {
			return strings.Compare(slices.Min(byReason[a].paths), slices.Min(byReason[b].paths))
		})
		where := ""
		if l := o.Loc.String(); l != "" && l != o.Meta.Name {
			where = " (" + l + ")"
		}
		for _, r := range reasons {
			gr := byReason[r]
			slices.Sort(gr.paths)
			out = append(out, fmt.Sprintf("%s %s%s: %s not assessed: %s: %s", o.Kind, name, where, strings.Join(gr.checks, ", "), strings.Join(gr.paths, ", "), r))
		}
	}
	return out
}
