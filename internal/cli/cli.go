// Package cli is Bulwark's command line: flags, help and exit codes. Each
// command parses its input, calls one package that does the work and
// renders the result; nothing here evaluates anything.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/version"
)

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

// usageError marks bad flags or arguments: exit code 2.
func usageError(format string, args ...any) error {
	return &exitError{code: report.ExitError, err: fmt.Errorf(format, args...)}
}

// inputError is an error of the service that leaves the run without a
// verdict (bad settings, input that cannot be read): exit 2.
func inputError(err error) error {
	return &exitError{code: report.ExitError, err: err}
}

// streams are the process's standard streams, injected for tests.
type streams struct {
	in       io.Reader
	out, err io.Writer
}

// Main runs the command line and returns the exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := &streams{in: stdin, out: stdout, err: stderr}
	return execute(newRoot(s), args, s, "bulwark")
}

// execute runs root with args and turns its outcome into an exit code;
// name is what the user typed to run it, for the usage hint.
func execute(root *cobra.Command, args []string, s *streams, name string) int {
	root.SetArgs(args)
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	err := root.Execute()
	if err == nil {
		return report.ExitPass
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.code == report.ExitError {
			printError(s.err, ee.err)
		}
		return ee.code
	}
	// cobra's own errors: unknown command or flag, wrong argument count.
	printError(s.err, err)
	fmt.Fprintf(s.err, "Run '%s --help' for usage.\n", name)
	return report.ExitError
}

func newRoot(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:   "bulwark",
		Short: "Security checks for Kubernetes on Azure (AKS), from CI to the running cluster",
		Long: `Bulwark finds security problems in Kubernetes workloads and AKS clusters: what is
wrong, where (file:line of the offending field), why it matters, how to fix it, and
which control it serves (Azure Security Benchmark, CIS AKS, Pod Security Standards).

It runs offline by default: it talks only to the cluster or Azure subscription you name,
and nothing phones home (no telemetry, no update checks, no downloads).

Exit codes: 0 the gate passed, 1 blocking findings (at or above --fail-on, not
waived, past their grace period), 2 usage or input error (the verdict is incomplete).
When the report goes to a file or is not a table, the verdict line (PASS, FAIL or
ERROR) is also printed on standard error.`,
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newScan(s), newAssess(s), newReport(s), newAdmission(s), newOperator(s), newDetect(s), newChecks(s), newBaseline(s), newPolicy(s), newExplain(s), newVerify(s), newDB(s), newVersion(s))
	addCompletions(root)
	return root
}

func newVersion(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintln(s.out, "bulwark", version.Version)
			return nil
		},
	}
}

// isTerminal reports whether w is a terminal that wants colour.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// printError writes err to stderr one line at a time, each with its
// prefix and its control characters escaped: errors quote file names,
// object names and values from inputs, which must not drive the terminal
// or forge a line of their own.
func printError(w io.Writer, err error) {
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintln(w, "bulwark:", render.OneLine(line))
	}
}
