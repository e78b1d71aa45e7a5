package scan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
)

// commands name, per source, what feeds it: how a usage error tells a user
// where a check they asked for runs.
var commands = map[check.Source]string{
	check.Manifests: "bulwark scan manifests",
	check.Cluster:   "bulwark scan cluster",
	check.Azure:     "bulwark scan aks",
	check.Images:    "bulwark scan image (or --images on scan manifests and scan cluster)",
	check.Admission: "bulwark admission serve",
	check.Audit:     "bulwark detect",
}

// plan is what a run evaluates.
type plan struct {
	// run are the selected checks the run's sources can feed.
	run []*check.Check
	// elsewhere are selected checks that judge the kinds the run reads
	// but need another source (Secret data, removed API versions on a
	// live cluster): the coverage lists them with their SourceNote.
	elsewhere []*check.Check
}

// planChecks resolves the checks of a run over sources: opt.Checks (all
// when nil) less opt.SkipChecks and those the policy disables, narrowed to the checks the
// sources can feed. A check the user named — with --checks, or by id in
// the policy's checks.include — that none of the sources can feed is an
// error naming the command that runs it: a run that silently drops what
// was asked for passes while checking nothing.
func planChecks(opt Options, command string, sources ...check.Source) (plan, error) {
	named := opt.Checks != nil
	checks := opt.Checks
	if checks == nil {
		checks = check.All()
	}
	var p plan
	var errs []string
	readsKubernetes := slices.ContainsFunc(check.KubernetesObjects, func(s check.Source) bool { return slices.Contains(sources, s) })
	for _, c := range checks {
		if !opt.Policy.Selects(c) || slices.Contains(opt.SkipChecks, c) {
			continue
		}
		if c.RunsOnAny(sources) {
			p.run = append(p.run, c)
			continue
		}
		if named || opt.Policy.Names(c) {
			errs = append(errs, cannotRun(c, command))
			continue
		}
		if readsKubernetes && c.RunsOnAny(check.KubernetesObjects) {
			p.elsewhere = append(p.elsewhere, c)
		}
	}
	if len(errs) > 0 {
		return p, &SelectionError{Problems: errs}
	}
	return p, nil
}

// cannotRun says why command cannot run c and what does.
func cannotRun(c *check.Check, command string) string {
	var where []string
	for _, s := range c.Sources {
		if cmd := commands[s]; !slices.Contains(where, cmd) {
			where = append(where, cmd)
		}
	}
	msg := fmt.Sprintf("%s cannot run on %s", c.ID, command)
	if c.SourceNote != "" {
		msg += ": " + c.SourceNote
	}
	return msg + "; it runs with " + strings.Join(where, " or ")
}

// SelectionError is a selection of checks the command cannot honour: a
// usage error.
type SelectionError struct{ Problems []string }

func (e *SelectionError) Error() string { return strings.Join(e.Problems, "\n") }
