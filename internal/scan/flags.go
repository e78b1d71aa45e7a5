package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/baseline"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/pss"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/policy"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

// Defaults an entry point shows in its flags' help.
const (
	DefaultMaxFileSize = manifest.DefaultMaxFileSize
	BaselineFileName   = baseline.FileName
	PolicyFileName     = policy.FileName
)

// SeverityNames are the severities a gate takes, lowest first.
func SeverityNames() []string { return finding.SeverityNames() }

// Flags are the settings of a run as an entry point receives them (the
// command line's flags, a webhook's configuration): plain values, merged
// with the policy file and the baseline by NewOptions in one place, so
// that every entry point judges alike.
type Flags struct {
	FailOn string
	// FailOnSet: FailOn was given explicitly, and wins over the policy's
	// failOn and vulnerabilities.failOn.
	FailOnSet  bool
	PSSLevel   string
	PSSVersion string
	PSSEnforce string
	Excludes   []string
	PolicyFile string
	// Policy, when set, is the policy in force instead of PolicyFile (the
	// operator reads it from a ConfigMap).
	Policy *policy.Policy
	// NoPolicyFile: no policy file is looked for; the policy is Policy or
	// none (the operator, whose working directory means nothing).
	NoPolicyFile bool
	BaselineFile string
	// NeedBaseline: the caller writes the baseline (baseline update), so
	// an explicit BaselineFile that does not exist yet is no error.
	NeedBaseline bool
	NewOnly      bool
	AsOf         string
	OnlyChecks   []string
	SkipChecks   []string
	MaxFileSize  int64
	AllowEmpty   bool
	Stdin        io.Reader
	Render       RenderFlags
}

// UsageError is a setting that cannot be honoured (a bad flag value, a
// missing or invalid file it names): the run has no verdict, exit 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErr(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// IsUsage reports whether err is a UsageError.
func IsUsage(err error) bool {
	var ue *UsageError
	return errors.As(err, &ue)
}

// NewOptions turns the flags, the policy and the baseline into scan
// options. Every error is a UsageError (exit 2).
//
// It also returns the baseline path in effect (BaselineFile, or the
// default beside the policy), which `baseline update` writes even when it
// does not exist yet.
func NewOptions(f Flags) (Options, string, error) {
	var opt Options
	lv, err := pss.LevelVersion(f.PSSLevel, f.PSSVersion)
	if err != nil {
		return opt, "", usageErr("--pss-level/--pss-version: %v", err)
	}
	pol := f.Policy
	if pol == nil && !f.NoPolicyFile {
		if pol, err = FindPolicy(f.PolicyFile); err != nil {
			return opt, "", &UsageError{Err: err}
		}
	}
	failOn := f.FailOn
	if pol != nil && pol.FailOn.Value != "" && !f.FailOnSet {
		failOn = pol.FailOn.Value
	}
	gate, err := decide.ParseFailOn(failOn)
	if err != nil {
		return opt, "", usageErr("--fail-on: %v", err)
	}
	var vulnGate *decide.Gate
	if pol != nil && pol.Vulnerabilities.FailOn.Value != "" && !f.FailOnSet {
		g, err := decide.ParseFailOn(pol.Vulnerabilities.FailOn.Value)
		if err != nil {
			return opt, "", usageErr("vulnerabilities.failOn: %v", err)
		}
		vulnGate = &g
	}
	checks, skip, err := SelectChecks(f.OnlyChecks, f.SkipChecks)
	if err != nil {
		return opt, "", &UsageError{Err: err}
	}
	if f.MaxFileSize <= 0 {
		return opt, "", usageErr("--max-file-size must be positive")
	}
	now := time.Now()
	if f.AsOf != "" {
		if now, err = policy.ParseDate(f.AsOf); err != nil {
			return opt, "", usageErr("--as-of: %v", err)
		}
	}
	bfile := f.BaselineFile
	if bfile == "" {
		bfile = baseline.FileName
		if pol != nil && !strings.HasPrefix(pol.Source, "configmap/") {
			bfile = filepath.Join(filepath.Dir(pol.Source), baseline.FileName)
		}
	}
	var base *baseline.Baseline
	switch _, statErr := os.Stat(bfile); {
	case statErr == nil:
		if base, err = baseline.Load(bfile, now); err != nil {
			return opt, "", &UsageError{Err: err}
		}
	case f.BaselineFile != "" && !f.NeedBaseline:
		return opt, "", usageErr("--baseline %s: %w", bfile, statErr)
	case f.NewOnly:
		return opt, "", usageErr("--new-only needs a baseline: none at %s (create one with `bulwark baseline update`)", bfile)
	}
	enforce, err := pss.ParseEnforce(f.PSSEnforce)
	if err != nil {
		return opt, "", usageErr("--pss-enforce %v", err)
	}
	opt = Options{
		Manifest:     manifest.Options{Exclude: f.Excludes, MaxFileSize: f.MaxFileSize, Stdin: f.Stdin, AllowEmpty: f.AllowEmpty, Render: renderer(f.Render, f.MaxFileSize)},
		Settings:     check.Settings{PSS: lv, PSSEnforce: enforce},
		Gate:         gate,
		VulnGate:     vulnGate,
		Checks:       checks,
		SkipChecks:   skip,
		Policy:       pol,
		Baseline:     base,
		BaselineFile: bfile,
		NewOnly:      f.NewOnly,
		Now:          now,
	}
	if base == nil {
		opt.BaselineFile = ""
	}
	return opt, bfile, nil
}

// FindPolicy loads the policy file name, or the one found in the working
// directory or its parents up to the repository root; nil when there is
// none.
func FindPolicy(name string) (*policy.Policy, error) {
	if name == "" {
		if name = policy.Find("."); name == "" {
			return nil, nil
		}
	}
	return policy.Load(name)
}

// LoadAKSContext reads the one AKS cluster of path, the context of a
// manifest or cluster scan (Options.Context). Every error is a UsageError.
func LoadAKSContext(ctx context.Context, path string) ([]*inventory.Object, error) {
	res, err := azure.Load(ctx, []string{path}, azure.Options{})
	if err != nil {
		return nil, usageErr("--aks: %v", err)
	}
	if len(res.Errors) > 0 {
		return nil, usageErr("--aks: %v", res.Errors[0])
	}
	var clusters []*inventory.Object
	for _, o := range res.Objects {
		if o.Kind == aksmodel.KindCluster {
			clusters = append(clusters, o)
		}
	}
	switch len(clusters) {
	case 0:
		return nil, usageErr("--aks %s: no AKS cluster in it", path)
	case 1:
		return clusters, nil
	}
	return nil, usageErr("--aks %s holds %d AKS clusters; give a file with the one the manifests deploy to", path, len(clusters))
}
