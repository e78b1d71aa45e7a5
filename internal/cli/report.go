package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

func newReport(s *streams) *cobra.Command {
	var output, format, previous string
	cmd := &cobra.Command{
		Use:   "report RESULT.json... -o report.html",
		Short: "Turn JSON results into a self-contained HTML posture report, or Markdown for a pull request",
		Long: `Read results written with --format json (bulwark assess, scan aks, scan cluster, scan
manifests, scan image; several are merged) and write a posture report:

  html      one self-contained page (no network: inline CSS and script, a
            Content-Security-Policy that forbids loads) that opens from disk: a score per
            AKS security practice, attack paths drawn as graphs, findings with a search box
            and filters, each with its evidence and fix, and compliance per Azure Security
            Benchmark v3 control and CIS AKS recommendation (pass, fail, or not assessed when
            no check of it ran)
  markdown  the verdict, practice scores, best attack paths and blocking findings, for a
            pull-request comment

--previous compares with an older result: new findings, fixed ones, and those past their
grace period. The command renders; it is not a gate: it exits 0 once the report is
written, 2 when a result cannot be read.`,
		Example: `  bulwark assess ./deploy --aks aks.json -f json -o result.json; bulwark report result.json -o report.html
  bulwark report result.json --previous last-week.json -o report.html
  bulwark report result.json --format markdown > comment.md`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "html" && format != "markdown" {
				return usageError("--format %q: want html or markdown", format)
			}
			var reps []*report.Report
			for _, a := range args {
				r, err := scan.ReadResult(a)
				if err != nil {
					return inputError(err)
				}
				reps = append(reps, r)
			}
			var prev *report.Report
			if previous != "" {
				var err error
				if prev, err = scan.ReadResult(previous); err != nil {
					return inputError(fmt.Errorf("--previous: %w", err))
				}
			}
			p := render.NewPosture(report.Merge(reps...), scan.ReportCatalog(), prev)
			write := func(w io.Writer) error {
				if format == "markdown" {
					return render.Markdown(w, p)
				}
				return render.HTML(w, p)
			}
			if output == "" || output == "-" {
				return write(s.out)
			}
			if err := writeFileStreamed(output, write); err != nil {
				return &exitError{code: report.ExitError, err: err}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the report to this file (default: standard output)")
	cmd.Flags().StringVarP(&format, "format", "f", "html", "html or markdown")
	cmd.Flags().StringVar(&previous, "previous", "", "an older result to compare with (new, fixed, past grace)")
	return cmd
}
