package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

func newDB(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Manage the local vulnerability database used by image scans",
	}
	cmd.AddCommand(newDBImport(s), newDBStatus(s))
	return cmd
}

func dbDirFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "db-dir", "", "vulnerability database directory (default: <user cache>/bulwark/vulndb)")
}

func newDBImport(s *streams) *cobra.Command {
	var (
		dir      string
		goVulnDB bool
		goDir    string
	)
	cmd := &cobra.Command{
		Use:   "import [FILE|DIR]...",
		Short: "Import OSV vulnerability data (all.zip exports, OSV directories, the Go vulnerability database)",
		Long: `Import vulnerability data into the local database. Bulwark never downloads data by
itself: fetch it where the network allows, then import it here (or on the machine
that runs scans, or into a shared --db-dir).

  FILE   an OSV export zip, one per ecosystem, e.g.
         https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip
         https://osv-vulnerabilities.storage.googleapis.com/Alpine/all.zip
         https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip
  DIR    a directory of OSV JSON files, or a clone of the GitHub Advisory Database
         (git clone https://github.com/github/advisory-database): its reviewed
         advisories' ratings (CVSS, database_specific.severity) then rate the
         advisories of the other sources that alias them by GHSA or CVE id, most Go,
         Debian and Alpine advisories having none of their own

--go-vulndb imports the Go vulnerability database from the module golang.org/x/vulndb
in the Go module cache, which the Go module proxy serves where nothing else is
reachable:

  go mod download golang.org/x/vulndb@latest     # outside a module
  bulwark db import --go-vulndb

Each import replaces the data of the ecosystems it holds, atomically: a failed
import leaves the database as it was. Every ecosystem's data carries its date (the
newest advisory's modification time, or the vulndb module's version time); scans
warn when it is older than --max-db-age (7 days).`,
		Example: `  bulwark db import Debian-all.zip Alpine-all.zip
  bulwark db import --go-vulndb
  bulwark db import --go-vulndb-dir ~/go/pkg/mod/golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018
  bulwark db import --db-dir /shared/bulwark/vulndb ./osv-json/
  bulwark db import ./advisory-database`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !goVulnDB && goDir == "" {
				return usageError("nothing to import: give OSV zip files or directories, or --go-vulndb")
			}
			d, imported, err := scan.ImportDB(dir, args, goVulnDB, goDir, time.Now())
			if err != nil {
				return inputError(err)
			}
			for _, src := range imported {
				fmt.Fprintf(s.out, "imported %s: %d advisories, data of %s, from %s%s\n", src.Ecosystem, src.Entries, dateOr(src.DataDate, "unknown date"), src.Origin, skippedNote(src.Import))
			}
			fmt.Fprintf(s.out, "database: %s\n", d)
			return nil
		},
	}
	dbDirFlag(cmd, &dir)
	cmd.Flags().BoolVar(&goVulnDB, "go-vulndb", false, "import the newest golang.org/x/vulndb found in the Go module cache")
	cmd.Flags().StringVar(&goDir, "go-vulndb-dir", "", "import golang.org/x/vulndb from this module directory (holding data/osv)")
	return cmd
}

func skippedNote(st scan.DBImportStats) string {
	var parts []string
	if st.Withdrawn > 0 {
		parts = append(parts, fmt.Sprintf("%d withdrawn", st.Withdrawn))
	}
	if st.Unsupported > 0 {
		parts = append(parts, fmt.Sprintf("%d in unsupported ecosystems", st.Unsupported))
	}
	if st.Unrated > 0 {
		parts = append(parts, fmt.Sprintf("%d without a rating", st.Unrated))
	}
	if st.Malformed > 0 {
		m := fmt.Sprintf("%d malformed", st.Malformed)
		if len(st.MalformedFiles) > 0 {
			m += " (" + strings.Join(st.MalformedFiles, "; ") + ")"
		}
		parts = append(parts, m)
	}
	if len(parts) == 0 {
		return ""
	}
	return "; skipped " + strings.Join(parts, ", ")
}

func dateOr(t time.Time, alt string) string {
	if t.IsZero() {
		return alt
	}
	return t.UTC().Format(time.DateOnly)
}

func newDBStatus(s *streams) *cobra.Command {
	var (
		dir    string
		format string
		maxAge time.Duration
	)
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show what the vulnerability database holds and how old it is",
		Long: `Show the ecosystems in the vulnerability database, how many advisories each has, the
date of its data and where it was imported from. Exits 1 when some data is older than
--max-db-age, 2 when there is no database.`,
		Example: `  bulwark db status
  bulwark db status --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := formatFlag(format, []string{"table", "json"}, false)
			if err != nil {
				return err
			}
			format = f
			st, err := scan.ReadDBStatus(dir, maxAge, time.Now())
			if err != nil {
				return inputError(err)
			}
			d, warnings := st.Dir, st.Warnings
			if format == "json" {
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(struct {
					Dir      string          `json:"dir"`
					Digest   string          `json:"digest"`
					Sources  []scan.DBSource `json:"sources"`
					Warnings []string        `json:"warnings"`
				}{d, st.Digest, st.Sources, append([]string{}, warnings...)}); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(s.out, "database: %s\n\n", d)
				tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ECOSYSTEM\tADVISORIES\tDATA OF\tIMPORTED\tFROM")
				srcs := append([]scan.DBSource(nil), st.Sources...)
				sort.Slice(srcs, func(i, j int) bool { return srcs[i].Ecosystem < srcs[j].Ecosystem })
				for _, src := range srcs {
					fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", src.Ecosystem, src.Entries, dateOr(src.DataDate, "unknown"), dateOr(src.ImportedAt, "?"), src.Origin)
				}
				tw.Flush()
				for _, w := range warnings {
					fmt.Fprintf(s.out, "\nwarning: %s", w)
				}
				if len(warnings) > 0 {
					fmt.Fprintln(s.out)
				}
			}
			if len(warnings) > 0 {
				return &exitError{code: report.ExitFail}
			}
			return nil
		},
	}
	dbDirFlag(cmd, &dir)
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table or json")
	cmd.Flags().DurationVar(&maxAge, "max-db-age", scan.DefaultMaxDBAge, "data older than this is reported as stale (exit 1)")
	return cmd
}
