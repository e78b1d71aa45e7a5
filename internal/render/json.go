package render

import (
	"encoding/json"
	"io"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// JSON writes the report as one indented JSON document in the layout
// described by docs/json-report.md (schemaVersion bulwark.dev/report/v1).
func JSON(w io.Writer, rep *report.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}
