package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

func newPolicy(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Write or validate the policy file (bulwark.yaml)",
	}
	cmd.AddCommand(newPolicyInit(s), newPolicyCheck(s))
	return cmd
}

func newPolicyInit(s *streams) *cobra.Command {
	var output string
	var force bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter policy",
		Example: `  bulwark policy init                 # writes ./bulwark.yaml
  bulwark policy init -o -            # to standard output`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if output == "-" {
				_, err := fmt.Fprint(s.out, scan.PolicyStarter)
				return err
			}
			if _, err := os.Stat(output); err == nil && !force {
				return usageError("%s exists; use --force to overwrite it", output)
			}
			if err := writeFileAtomic(output, []byte(scan.PolicyStarter)); err != nil {
				return &exitError{code: report.ExitError, err: err}
			}
			fmt.Fprintf(s.out, "wrote %s; validate changes with: bulwark policy check %s\n", output, output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", scan.PolicyFileName, `file to write, or "-" for standard output`)
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	return cmd
}

func newPolicyCheck(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "check [FILE]",
		Short: "Validate a policy file",
		Long: `Validate a policy file strictly: unknown fields, unknown check ids or areas, bad
severities, durations and dates are errors with file:line (exit 2), and so is a Notation
trust policy (images.trustPolicy) that notation-go rejects or whose trust stores are
missing. Without FILE, the
policy a scan would use is checked (bulwark.yaml here or in a parent directory, up to
the repository root).`,
		Example: `  bulwark policy check
  bulwark policy check deploy/bulwark.yaml`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			} else if name = scan.FindPolicyFile(); name == "" {
				return usageError("no %s here or in a parent directory (create one with `bulwark policy init`)", scan.PolicyFileName)
			}
			st, err := scan.CheckPolicy(name)
			var pe *scan.PolicyErrors
			if errors.As(err, &pe) {
				for _, p := range pe.Problems {
					fmt.Fprintln(s.err, printable(p))
				}
				return &exitError{code: report.ExitError}
			}
			if st != nil {
				for _, w := range st.Warnings {
					fmt.Fprintln(s.err, "warning:", printable(w))
				}
			}
			if err != nil {
				return inputError(err)
			}
			fmt.Fprintf(s.out, "%s: valid (%d severity overrides, %d exceptions)\n", st.File, st.SeverityOverrides, st.Exceptions)
			return nil
		},
	}
}
