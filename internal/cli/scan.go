package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/pss"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/policy"
	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

func newScan(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Scan manifests for security problems",
	}
	cmd.AddCommand(newScanManifests(s))
	return cmd
}

type outputFlags struct {
	format  string
	output  string
	noColor bool
}

func (o *outputFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&o.format, "format", "f", "table", "output format: "+strings.Join(render.Formats, ", "))
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write the report to this file instead of standard output (written whole or not at all)")
	cmd.Flags().BoolVar(&o.noColor, "no-color", false, "never colour the table output (also: NO_COLOR=1)")
}

func (o *outputFlags) validate() error {
	if !slices.Contains(render.Formats, o.format) {
		return usageError("--format %q: want one of %s", o.format, strings.Join(render.Formats, ", "))
	}
	return nil
}

// write renders the report to standard output or, atomically, to a file.
func (o *outputFlags) write(s *streams, rep *report.Report) error {
	if o.output == "" {
		return render.Write(s.out, o.format, rep, render.Options{Color: !o.noColor && isTerminal(s.out)})
	}
	var buf bytes.Buffer
	if err := render.Write(&buf, o.format, rep, render.Options{}); err != nil {
		return err
	}
	return writeFileAtomic(o.output, buf.Bytes())
}

func writeFileAtomic(name string, data []byte) error {
	dir := filepath.Dir(name)
	tmp, err := os.CreateTemp(dir, ".bulwark-*.tmp")
	if err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("--output: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	return nil
}

func newScanManifests(s *streams) *cobra.Command {
	var (
		out         outputFlags
		failOn      string
		pssLevel    string
		pssVersion  string
		excludes    []string
		policyFile  string
		onlyChecks  []string
		skipChecks  []string
		maxFileSize int64
	)
	cmd := &cobra.Command{
		Use:   "manifests PATH...",
		Short: "Scan Kubernetes YAML/JSON files and directories",
		Long: `Scan Kubernetes manifests: files, directories (searched recursively for .yaml, .yml
and .json; hidden directories are skipped) or "-" for standard input. Files may hold
many documents and kind: List. Documents that are not Kubernetes objects are skipped
and counted. Rendered Helm or Kustomize output can be piped in:

  helm template ./chart | bulwark scan manifests -

The gate fails (exit 1) when a finding's severity is at or above --fail-on. A file
that cannot be read or parsed is reported as file:line: problem, the other files are
still scanned, and the run exits 2 because its verdict is incomplete.

A policy file (bulwark.yaml in the working directory, or --policy) may set failOn
and images.allowedRegistries; flags given explicitly win over it.`,
		Example: `  bulwark scan manifests ./deploy
  bulwark scan manifests examples/insecure --format sarif --output bulwark.sarif
  bulwark scan manifests . --exclude '**/charts/**' --fail-on critical
  kustomize build overlays/prod | bulwark scan manifests - --pss-level baseline`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.validate(); err != nil {
				return err
			}
			lv, err := pss.LevelVersion(pssLevel, pssVersion)
			if err != nil {
				return usageError("--pss-level/--pss-version: %v", err)
			}
			pol, err := loadPolicy(policyFile, cmd.Flags().Changed("policy"))
			if err != nil {
				return &exitError{code: report.ExitError, err: err}
			}
			if pol != nil && pol.FailOn != "" && !cmd.Flags().Changed("fail-on") {
				failOn = pol.FailOn
			}
			gate, err := decide.ParseFailOn(failOn)
			if err != nil {
				return usageError("--fail-on: %v", err)
			}
			checks, err := scan.SelectChecks(onlyChecks, skipChecks)
			if err != nil {
				return usageError("%v", err)
			}
			if maxFileSize <= 0 {
				return usageError("--max-file-size must be positive")
			}
			opt := scan.Options{
				Manifest: manifest.Options{Exclude: excludes, MaxFileSize: maxFileSize, Stdin: s.in},
				Settings: check.Settings{PSS: lv},
				Gate:     gate,
				Checks:   checks,
			}
			if pol != nil {
				opt.PolicyFile = pol.Source
				opt.Settings.AllowedRegistries = pol.Images.AllowedRegistries
			}
			rep, err := scan.Manifests(context.Background(), args, opt)
			if err != nil {
				return usageError("%v", err)
			}
			if err := out.write(s, rep); err != nil {
				return &exitError{code: report.ExitError, err: err}
			}
			// Input errors also go to stderr so that they are seen when the
			// report itself goes to a file or another program.
			if out.format != "table" || out.output != "" {
				for _, e := range rep.Errors {
					if e.Line > 0 {
						fmt.Fprintf(s.err, "bulwark: %s:%d: %s\n", e.File, e.Line, e.Message)
					} else {
						fmt.Fprintf(s.err, "bulwark: %s: %s\n", e.File, e.Message)
					}
				}
			}
			if rep.Summary.ExitCode != report.ExitPass {
				return &exitError{code: rep.Summary.ExitCode, err: errors.New(rep.Summary.Result)}
			}
			return nil
		},
	}
	out.add(cmd)
	f := cmd.Flags()
	f.StringVar(&failOn, "fail-on", "high", "lowest severity that fails the run: "+strings.Join(finding.SeverityNames(), ", ")+" or none")
	f.StringVar(&pssLevel, "pss-level", "restricted", "Pod Security Standards level: privileged, baseline or restricted")
	f.StringVar(&pssVersion, "pss-version", "latest", `Pod Security Standards version, e.g. v1.30 or "latest"`)
	f.StringArrayVar(&excludes, "exclude", nil, "skip files and directories matching this glob (** matches any depth); repeatable")
	f.StringVar(&policyFile, "policy", policy.FileName, "policy file (used only if present unless given explicitly)")
	f.StringSliceVar(&onlyChecks, "checks", nil, "run only these check ids (comma-separated)")
	f.StringSliceVar(&skipChecks, "skip-checks", nil, "do not run these check ids (comma-separated)")
	f.Int64Var(&maxFileSize, "max-file-size", manifest.DefaultMaxFileSize, "largest input file read, in bytes")
	return cmd
}

// loadPolicy reads the policy file. The default name is optional; a file
// named explicitly must exist.
func loadPolicy(name string, explicit bool) (*policy.Policy, error) {
	if !explicit {
		if _, err := os.Stat(name); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	}
	return policy.Load(name)
}
