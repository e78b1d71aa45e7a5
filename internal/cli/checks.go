package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

func newChecks(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List and explain the checks Bulwark runs",
	}
	cmd.AddCommand(newChecksList(s), newChecksExplain(s))
	return cmd
}

func newChecksList(s *streams) *cobra.Command {
	var area, severity, control, source, format string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the catalog of checks",
		Long: `List the checks Bulwark runs, from the same declarations the engine evaluates.

Filters combine: --area matches the check's area exactly, --severity keeps checks at
or above a severity, --control keeps checks mapped to a control whose id contains the
text (Azure Security Benchmark e.g. PV-4, CIS AKS e.g. 4.2.1, a Pod Security Standards
check e.g. privileged, or a practice e.g. identity-rbac), --source keeps the checks an
input can feed: manifests (scan manifests), cluster (scan cluster), azure (scan aks),
images (scan image, --images) or admission (admission serve: one object of an admission
request, without the rest of the cluster).`,
		Example: `  bulwark checks list
  bulwark checks list --area secrets
  bulwark checks list --severity high --control 4.2
  bulwark checks list --source cluster
  bulwark checks list --format json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			var min finding.Severity
			if severity != "" {
				var err error
				if min, err = finding.ParseSeverity(severity); err != nil {
					return usageError("--severity: %v", err)
				}
			}
			f, err := formatFlag(format, []string{"table", "json", "markdown"}, false)
			if err != nil {
				return err
			}
			format = f
			all := check.All()
			if area != "" && !slices.ContainsFunc(all, func(c *check.Check) bool { return c.Area == area }) {
				return usageError("--area %q: no such area (want one of %s)", area, strings.Join(areas(all), ", "))
			}
			if source != "" && !slices.Contains(check.Sources, check.Source(source)) {
				return usageError("--source %q: want one of %s", source, sourceList())
			}
			var sel []check.Meta
			for _, c := range all {
				if area != "" && c.Area != area || c.Severity < min || control != "" && !mapsTo(c.Meta, control) ||
					source != "" && !c.RunsOn(check.Source(source)) {
					continue
				}
				sel = append(sel, c.Meta)
			}
			if format == "json" {
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				if sel == nil {
					sel = []check.Meta{}
				}
				return enc.Encode(sel)
			}
			if format == "markdown" {
				return listMarkdown(s.out, sel)
			}
			return listTable(s.out, sel)
		},
	}
	f := cmd.Flags()
	f.StringVar(&area, "area", "", "only checks of this area")
	f.StringVar(&severity, "severity", "", "only checks at or above this severity")
	f.StringVar(&control, "control", "", "only checks mapped to a control containing this text")
	f.StringVar(&source, "source", "", "only checks this input can feed: "+sourceList())
	f.StringVarP(&format, "format", "f", "table", "output format: table, json or markdown (the catalog page in docs/)")
	return cmd
}

func sourceList() string {
	names := make([]string, len(check.Sources))
	for i, s := range check.Sources {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

func sourcesText(m check.Meta) string {
	names := make([]string, len(m.Sources))
	for i, s := range m.Sources {
		names[i] = string(s)
	}
	return strings.Join(names, ",")
}

func areas(cs []*check.Check) []string {
	var out []string
	for _, c := range cs {
		if !slices.Contains(out, c.Area) {
			out = append(out, c.Area)
		}
	}
	slices.Sort(out)
	return out
}

func mapsTo(m check.Meta, q string) bool {
	q = strings.ToLower(q)
	has := func(s string) bool { return strings.Contains(strings.ToLower(s), q) }
	return slices.ContainsFunc(m.Controls.ASB, has) || slices.ContainsFunc(m.Controls.CIS, has) ||
		has(m.Controls.PSS) || has(m.Controls.Practice)
}

func listTable(w io.Writer, ms []check.Meta) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tAREA\tRUNS ON\tTITLE\tCONTROLS")
	for _, m := range ms {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.Severity, m.Area, sourcesText(m), m.Title, controlsText(m.Controls))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d checks\n", len(ms))
	return err
}

func controlsText(c check.Controls) string {
	var parts []string
	if len(c.ASB) > 0 {
		parts = append(parts, "ASB "+strings.Join(c.ASB, ","))
	}
	if len(c.CIS) > 0 {
		parts = append(parts, "CIS "+strings.Join(c.CIS, ","))
	}
	if c.PSS != "" {
		parts = append(parts, "PSS "+c.PSS)
	}
	return strings.Join(parts, "; ")
}

func newChecksExplain(s *streams) *cobra.Command {
	return &cobra.Command{
		Use:     "explain ID",
		Short:   "Explain one check: what it looks at, why it matters, how to fix it",
		Example: "  bulwark checks explain K8S-001",
		Args:    cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			c, ok := check.Lookup(args[0])
			if !ok {
				return usageError("unknown check id %q (see `bulwark checks list`)", args[0])
			}
			m := c.Meta
			fmt.Fprintf(s.out, "%s  %s\n\n", m.ID, m.Title)
			fmt.Fprintf(s.out, "Severity:  %s\nArea:      %s\nPractice:  %s\nKinds:     %s\n", m.Severity, m.Area, m.Controls.Practice, strings.Join(m.Kinds, ", "))
			if ct := controlsText(m.Controls); ct != "" {
				fmt.Fprintf(s.out, "Controls:  %s\n", ct)
			}
			fmt.Fprintf(s.out, "\nWhy it matters\n  %s\n\nHow to fix\n  %s\n", m.Description, m.Remediation)
			return nil
		},
	}
}

// listMarkdown writes the catalog page, docs/checks.md. A test keeps the
// committed page equal to this output, so the docs cannot drift.
func listMarkdown(w io.Writer, ms []check.Meta) error {
	var b strings.Builder
	b.WriteString("# Check catalog\n\n")
	b.WriteString("Generated by `bulwark checks list --format markdown` from the declarations the engine runs; do not edit.\n\n")
	fmt.Fprintf(&b, "%d checks. Controls: ASB = Azure Security Benchmark v3, CIS = CIS AKS Benchmark v1.8.0, PSS = Pod Security Standards level/check.\n\n", len(ms))
	b.WriteString("Runs on: the inputs that can feed the check — manifests (`scan manifests`), cluster (`scan cluster`), azure (`scan aks`), images (`scan image`, `--images`), admission (`admission serve`).\n\n")
	b.WriteString("| ID | Severity | Area | Runs on | Title | Controls |\n|---|---|---|---|---|---|\n")
	for _, m := range ms {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s | %s | %s |\n", m.ID, strings.ToLower(m.ID), m.Severity, m.Area, strings.ReplaceAll(sourcesText(m), ",", ", "), mdEscape(m.Title), mdEscape(controlsText(m.Controls)))
	}
	for _, m := range ms {
		fmt.Fprintf(&b, "\n## %s\n\n**%s** — severity %s, area %s, practice %s; kinds: %s.", m.ID, mdEscape(m.Title), m.Severity, m.Area, m.Controls.Practice, strings.Join(m.Kinds, ", "))
		if ct := controlsText(m.Controls); ct != "" {
			fmt.Fprintf(&b, " Controls: %s.", ct)
		}
		fmt.Fprintf(&b, " Runs on: %s", strings.ReplaceAll(sourcesText(m), ",", ", "))
		if m.SourceNote != "" {
			fmt.Fprintf(&b, " (not elsewhere: %s)", mdEscape(m.SourceNote))
		}
		b.WriteString(".")
		fmt.Fprintf(&b, "\n\n%s\n\n**Fix:** %s\n", m.Description, m.Remediation)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
