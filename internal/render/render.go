// Package render presents a report: a table for people, JSON for programs,
// SARIF for code scanning, JUnit for CI test tabs. Renderers only format;
// every verdict is already in the report.
package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// Options tune presentation.
type Options struct {
	// Color enables ANSI colours (only on a terminal).
	Color bool
	// Verbose prints every finding of the table in full; by default only
	// blocking findings are, the others one line each.
	Verbose bool
	// Quiet reduces the table to input and check errors and the verdict.
	Quiet bool
}

// Formats lists the output formats.
var Formats = []string{"table", "json", "sarif", "junit"}

// Write renders rep in format to w.
func Write(w io.Writer, format string, rep *report.Report, opt Options) error {
	switch format {
	case "table":
		return Table(w, rep, opt)
	case "json":
		return JSON(w, rep)
	case "sarif":
		return SARIF(w, rep)
	case "junit":
		return JUnit(w, rep)
	}
	return fmt.Errorf("unknown output format %q (want one of %s)", format, strings.Join(Formats, ", "))
}
