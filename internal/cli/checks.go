package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/scan"
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
			var min scan.Severity
			if severity != "" {
				var err error
				if min, err = scan.ParseSeverity(severity); err != nil {
					return usageError("--severity: %v", err)
				}
			}
			f, err := formatFlag(format, []string{"table", "json", "markdown"}, false)
			if err != nil {
				return err
			}
			format = f
			sel, err := scan.Catalog(scan.CatalogFilter{Area: area, MinSeverity: min, Control: control, Source: source})
			if err != nil {
				return inputError(err)
			}
			if format == "json" {
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				if sel == nil {
					sel = []scan.CheckMeta{}
				}
				return enc.Encode(sel)
			}
			if format == "markdown" {
				if source == string(scan.AuditSource) {
					return listDetectionsMarkdown(s.out, sel)
				}
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

func sourceList() string { return strings.Join(scan.CheckSources(), ", ") }

func sourcesText(m scan.CheckMeta) string {
	names := make([]string, len(m.Sources))
	for i, s := range m.Sources {
		names[i] = string(s)
	}
	return strings.Join(names, ",")
}

func listTable(w io.Writer, ms []scan.CheckMeta) error {
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

func controlsText(c scan.CheckControls) string {
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
	if len(c.MITRE) > 0 {
		parts = append(parts, "MITRE "+strings.Join(c.MITRE, ","))
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
			m, ok := scan.LookupCheck(args[0])
			if !ok {
				return usageError("unknown check id %q (see `bulwark checks list`)", args[0])
			}
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
func listMarkdown(w io.Writer, ms []scan.CheckMeta) error {
	var b strings.Builder
	b.WriteString("# Check catalog\n\n")
	b.WriteString("Generated by `bulwark checks list --format markdown` from the declarations the engine runs; do not edit.\n\n")
	fmt.Fprintf(&b, "%d checks. Controls: ASB = Azure Security Benchmark v3, CIS = CIS AKS Benchmark v1.8.0, PSS = Pod Security Standards level/check, MITRE = MITRE ATT&CK for Containers technique.\n\n", len(ms))
	b.WriteString("Runs on: the inputs that can feed the check — manifests (`scan manifests`), cluster (`scan cluster`), azure (`scan aks`), images (`scan image`, `--images`), admission (`admission serve`), audit (`detect`, `detect serve`).\n\n")
	writeMarkdownEntries(&b, ms)
	_, err := io.WriteString(w, b.String())
	return err
}

// listDetectionsMarkdown writes docs/detections.md: the detections and
// what triggers each, from the same declarations.
func listDetectionsMarkdown(w io.Writer, ms []scan.CheckMeta) error {
	var b strings.Builder
	b.WriteString("# Detections\n\n")
	b.WriteString("Generated by `bulwark checks list --source audit --format markdown` from the declarations `bulwark detect` runs; do not edit.\n\n")
	fmt.Fprintf(&b, "%d detections over Kubernetes audit events. Each fires on the final stage of a request (ResponseComplete or Panic). Controls: ASB = Azure Security Benchmark v3, MITRE = MITRE ATT&CK for Containers technique.\n\n", len(ms))
	writeMarkdownEntries(&b, ms)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMarkdownEntries(b *strings.Builder, ms []scan.CheckMeta) {
	b.WriteString("| ID | Severity | Area | Runs on | Title | Controls |\n|---|---|---|---|---|---|\n")
	for _, m := range ms {
		fmt.Fprintf(b, "| [%s](#%s) | %s | %s | %s | %s | %s |\n", m.ID, strings.ToLower(m.ID), m.Severity, m.Area, strings.ReplaceAll(sourcesText(m), ",", ", "), mdEscape(m.Title), mdEscape(controlsText(m.Controls)))
	}
	for _, m := range ms {
		fmt.Fprintf(b, "\n## %s\n\n**%s** — severity %s, area %s, practice %s; kinds: %s.", m.ID, mdEscape(m.Title), m.Severity, m.Area, m.Controls.Practice, strings.Join(m.Kinds, ", "))
		if ct := controlsText(m.Controls); ct != "" {
			fmt.Fprintf(b, " Controls: %s.", ct)
		}
		fmt.Fprintf(b, " Runs on: %s", strings.ReplaceAll(sourcesText(m), ",", ", "))
		if m.SourceNote != "" {
			fmt.Fprintf(b, " (not elsewhere: %s)", mdEscape(m.SourceNote))
		}
		b.WriteString(".")
		fmt.Fprintf(b, "\n\n%s\n\n**Fix:** %s\n", m.Description, m.Remediation)
	}
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
