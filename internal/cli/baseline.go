package cli

import (
	"bytes"
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

func newBaseline(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Record when findings were first seen (for grace periods and --new-only)",
	}
	cmd.AddCommand(newBaselineUpdate(s))
	return cmd
}

func newBaselineUpdate(s *streams) *cobra.Command {
	var (
		flags      scanFlags
		aksContext string
	)
	cmd := &cobra.Command{
		Use:   "update PATH...",
		Short: "Scan and write the baseline file",
		Long: `Scan the manifests exactly as 'bulwark scan manifests' would and write the baseline:
one entry per finding (fingerprint, check, object, field, first seen, last seen).
First-seen dates never move forward; findings that are gone leave the file. The file
is sorted and stable, meant to be committed so that grace periods count from the day a
finding first appeared.

The baseline is written to --baseline, or to bulwark-baseline.json beside the policy
file (or in the working directory). It is written whole or not at all. Input errors
(exit 2) leave the existing baseline untouched: a partial scan would drop findings.`,
		Example: `  bulwark baseline update ./deploy
  bulwark baseline update ./deploy --baseline ci/bulwark-baseline.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := rejectGateFlags(cmd); err != nil {
				return err
			}
			opt, path, err := flags.options(cmd, s, true)
			if err != nil {
				return err
			}
			if aksContext != "" {
				if opt.Context, err = scan.LoadAKSContext(context.Background(), aksContext); err != nil {
					return inputError(err)
				}
			}
			rep, err := scan.Manifests(context.Background(), args, opt)
			if err != nil {
				return usageError("%v", err)
			}
			if len(rep.Errors) > 0 || len(rep.CheckErrors) > 0 {
				for _, e := range rep.Errors {
					fmt.Fprintf(s.err, "bulwark: %s:%d: %s\n", render.OneLine(e.File), e.Line, render.OneLine(e.Message))
				}
				for _, e := range rep.CheckErrors {
					fmt.Fprintln(s.err, "bulwark:", render.OneLine(e.String()))
				}
				return &exitError{code: report.ExitError, err: fmt.Errorf("the scan was incomplete; %s left unchanged", render.OneLine(path))}
			}
			nb := scan.UpdateBaseline(opt.Baseline, rep, opt.Now)
			var buf bytes.Buffer
			if err := nb.Encode(&buf); err != nil {
				return err
			}
			if err := writeFileAtomic(path, buf.Bytes()); err != nil {
				return &exitError{code: report.ExitError, err: err}
			}
			kept, added := 0, 0
			for _, e := range nb.Findings {
				if _, ok := opt.Baseline.Lookup(e.Fingerprint); ok {
					kept++
				} else {
					added++
				}
			}
			removed := 0
			if opt.Baseline != nil {
				removed = len(opt.Baseline.Findings) - kept
			}
			fmt.Fprintf(s.out, "%s: %d findings (%d new, %d kept, %d fixed and removed)\n", render.OneLine(path), len(nb.Findings), added, kept, removed)
			return nil
		},
	}
	flags.add(cmd)
	flags.addRender(cmd)
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Annotations[gateOnlyKey] != nil {
			f.Hidden = true
		}
	})
	cmd.Flags().StringVar(&aksContext, "aks", "", "the AKS cluster the manifests deploy to, as for scan manifests --aks")
	return cmd
}

// gateOnlyKey marks the scan flags that only judge findings. `baseline
// update` records every finding and judges none, so it refuses them rather
// than accept and ignore them; the annotation says what it does instead.
const gateOnlyKey = "bulwark/gate-only"

func rejectGateFlags(cmd *cobra.Command) error {
	var err error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if why := f.Annotations[gateOnlyKey]; why != nil && err == nil {
			err = usageError("--%s: %s does not gate: %s", f.Name, cmd.CommandPath(), why[0])
		}
	})
	return err
}
