package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/report"
)

// outputFlags are how a scan presents its report: -f/--format names the
// format and -o/--output the file (the trivy convention).
type outputFlags struct {
	format  string
	output  string
	noColor bool
	verbose bool
	quiet   bool
}

func (o *outputFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&o.format, "format", "f", "table", "output format: "+strings.Join(render.Formats, ", "))
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write the report to this file instead of standard output (written whole or not at all); the verdict line then goes to standard error")
	cmd.Flags().BoolVar(&o.noColor, "no-color", false, "never colour the table output (also: NO_COLOR=1)")
	cmd.Flags().BoolVarP(&o.verbose, "verbose", "v", false, "table: print every finding in full, not only the blocking ones")
	cmd.Flags().BoolVarP(&o.quiet, "quiet", "q", false, "print only the verdict line and errors (a file given by --output is still written whole)")
}

func (o *outputFlags) validate() error {
	f, err := formatFlag(o.format, render.Formats, true)
	if err != nil {
		return err
	}
	o.format = f
	if err := outputFlag(o.output, render.Formats); err != nil {
		return err
	}
	switch {
	case o.verbose && o.quiet:
		return usageError("--verbose and --quiet: give one or the other")
	case o.verbose && o.format != "table":
		return usageError("--verbose applies to the table; --format %s always holds every finding in full", o.format)
	}
	return nil
}

// formatFlag checks a --format value and returns it in lower case. A value
// that looks like a file name is the classic slip of -f for -o: the error
// says what was probably meant.
func formatFlag(v string, formats []string, hasOutput bool) (string, error) {
	if lv := strings.ToLower(v); slices.Contains(formats, lv) {
		return lv, nil
	}
	want := strings.Join(formats, ", ")
	if looksLikePath(v) {
		p := printable(v)
		if !hasOutput {
			return "", usageError("--format %s: that is a file name; --format takes one of %s (to write a file, redirect standard output: > %s)", p, want, p)
		}
		meant := "--output " + p
		if ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(v), ".")); slices.Contains(formats, ext) {
			meant = "--format " + ext + " --output " + p
		}
		return "", usageError("--format %s: did you mean %s? --format takes one of %s", p, meant, want)
	}
	return "", usageError("--format %q: want one of %s", printable(v), want)
}

// outputFlag rejects a bare format name given to --output (`-o json`),
// which would otherwise write the table into a file named json.
func outputFlag(v string, formats []string) error {
	if lv := strings.ToLower(v); slices.Contains(formats, lv) {
		p := printable(v)
		return usageError("--output %s: did you mean --format %s? --output takes a file path (for a file named %s, give ./%s)", p, lv, p, p)
	}
	return nil
}

// looksLikePath reports whether a flag value reads as a file name: it has
// a directory separator or an extension, or names something that exists.
func looksLikePath(v string) bool {
	if strings.ContainsAny(v, `/\`) || filepath.Ext(v) != "" {
		return true
	}
	_, err := os.Lstat(v)
	return v != "" && err == nil
}

// write renders the report to standard output or, atomically, to a file.
func (o *outputFlags) write(s *streams, rep *report.Report) error {
	if o.output == "" {
		return render.Write(s.out, o.format, rep, render.Options{
			Color: !o.noColor && isTerminal(s.out), Verbose: o.verbose, Quiet: o.quiet,
		})
	}
	return writeFileStreamed(o.output, func(w io.Writer) error {
		return render.Write(w, o.format, rep, render.Options{Verbose: o.verbose})
	})
}

// finish writes the report and turns its verdict into the exit code. When
// the report does not go to the terminal as a table, its errors, warnings
// (unless --quiet) and the verdict line go to stderr, so that a CI log
// always says why the step failed.
func finish(s *streams, out *outputFlags, rep *report.Report) error {
	if err := out.write(s, rep); err != nil {
		return &exitError{code: report.ExitError, err: err}
	}
	if out.format != "table" || out.output != "" {
		for _, e := range rep.Errors {
			switch {
			case e.File != "" && e.Line > 0:
				fmt.Fprintf(s.err, "bulwark: %s:%d: %s\n", printable(e.File), e.Line, printable(e.Message))
			case e.File != "":
				fmt.Fprintf(s.err, "bulwark: %s: %s\n", printable(e.File), printable(e.Message))
			default:
				fmt.Fprintf(s.err, "bulwark: %s: %s\n", printable(e.Resource), printable(e.Message))
			}
		}
		for _, e := range rep.CheckErrors {
			first, _, _ := strings.Cut(e.Err, "\n")
			fmt.Fprintf(s.err, "bulwark: %s: check %s on %s: %s\n", printable(e.Loc.String()), printable(e.CheckID), printable(e.Subject.String()), printable(first))
		}
		if !out.quiet {
			for _, w := range rep.Warnings {
				fmt.Fprintf(s.err, "bulwark: warning: %s\n", printable(w))
			}
		}
		line := render.Verdict(rep)
		if out.output != "" {
			line += ", report in " + printable(out.output)
		}
		fmt.Fprintln(s.err, line)
	}
	if rep.Summary.ExitCode != report.ExitPass {
		return &exitError{code: rep.Summary.ExitCode} // the report says why
	}
	return nil
}

func writeFileAtomic(name string, data []byte) error {
	return writeFileStreamed(name, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeFileStreamed writes name whole or not at all: write renders into a
// temporary file beside it (streamed, not held in memory: a large report
// runs to tens of megabytes), which then replaces name.
func writeFileStreamed(name string, write func(io.Writer) error) error {
	// Renaming over a device or a FIFO (-o /dev/null, -o /dev/stdout, a
	// pipe) would replace it with a regular file, for everyone on the
	// machine when run as root: those are written to as they are.
	if info, err := os.Stat(name); err == nil && !info.Mode().IsRegular() && !info.IsDir() {
		f, err := os.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		bw := bufio.NewWriterSize(f, 64<<10)
		err = write(bw)
		if err == nil {
			err = bw.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("--output: %w", err)
		}
		return nil
	}
	dir := filepath.Dir(name)
	tmp, err := os.CreateTemp(dir, ".bulwark-*.tmp")
	if err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(bw); err != nil {
		tmp.Close()
		return fmt.Errorf("--output: %w", err)
	}
	if err := bw.Flush(); err != nil {
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
