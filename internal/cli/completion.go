package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

// addCompletions teaches cobra's `bulwark completion bash|zsh|fish|powershell`
// scripts the values Bulwark knows: check ids (with their titles) for
// `checks explain` and --checks/--skip-checks, the output formats, the
// severities. They are read from the catalog at completion time, so they
// never drift from it.
func addCompletions(root *cobra.Command) {
	root.CompletionOptions.HiddenDefaultCmd = false
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Name() == "explain" && c.Parent() != nil && c.Parent().Name() == "checks" {
			c.ValidArgsFunction = func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return checkIDs("", toComplete), cobra.ShellCompDirectiveNoFileComp
			}
		}
		for _, name := range []string{"checks", "skip-checks"} {
			if c.Flags().Lookup(name) != nil {
				_ = c.RegisterFlagCompletionFunc(name, completeCheckList)
			}
		}
		if f := c.Flags().Lookup("format"); f != nil && strings.Contains(f.Usage, render.Formats[0]) {
			_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(render.Formats, cobra.ShellCompDirectiveNoFileComp))
		}
		if c.Flags().Lookup("fail-on") != nil {
			_ = c.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions(append(scan.SeverityNames(), "none"), cobra.ShellCompDirectiveNoFileComp))
		}
		if c.Flags().Lookup("pss-level") != nil {
			_ = c.RegisterFlagCompletionFunc("pss-level", cobra.FixedCompletions([]string{"privileged", "baseline", "restricted"}, cobra.ShellCompDirectiveNoFileComp))
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completeCheckList completes the last id of a comma-separated list.
func completeCheckList(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	done, last := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		done, last = toComplete[:i+1], toComplete[i+1:]
	}
	return checkIDs(done, last), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// checkIDs are the catalog's ids starting with prefix (case-insensitive),
// each with its title as the description shells show.
func checkIDs(done, prefix string) []string {
	all, _ := scan.Catalog(scan.CatalogFilter{})
	var out []string
	for _, m := range all {
		if strings.HasPrefix(strings.ToUpper(m.ID), strings.ToUpper(prefix)) {
			out = append(out, done+m.ID+"\t"+m.Title)
		}
	}
	return out
}
