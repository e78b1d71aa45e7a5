package render

import (
	"bytes"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/testutil/sariftool"
)

// TestSARIFMultitoolValidate runs Microsoft's SARIF validator (the
// Sarif.Multitool binary of the npm package @microsoft/sarif-multitool) on
// the SARIF output of hand-made reports and fails on any error-level
// result. Warnings and notes are logged.
//
// BULWARK_SARIF_MULTITOOL names the binary (eval "$(hack/install-tools.sh)"
// sets it); without it the test skips, unless BULWARK_REQUIRE_TOOLS is set
// as hack/test.sh does.
//
// The validator (5.7.0) silently skips a file it cannot load into its object
// model, reporting nothing. So each log is also validated without its
// "$schema", which the validator always reports (SARIF2008): that result
// proves the content was loaded and the rules ran over it.
func TestSARIFMultitoolValidate(t *testing.T) {
	tool := sariftool.Tool(t)
	for _, tt := range []struct {
		name string
		rep  *report.Report
	}{
		{"sample", sampleReport()},
		{"empty", emptyReport()},
		{"edge", edgeReport()},
		{"grouped", groupedReport()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := SARIF(&buf, tt.rep); err != nil {
				t.Fatal(err)
			}
			sariftool.Validate(t, tt.name, buf.Bytes())
			if t.Failed() {
				t.Logf("the log:\n%s", buf.String())
			}
		})
	}

	// The harness must see errors when there are some: an absolute URI with
	// a uriBaseId is one (SARIF1004).
	t.Run("detects errors", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		if err := SARIF(&buf, sampleReport()); err != nil {
			t.Fatal(err)
		}
		broken := bytes.Replace(buf.Bytes(), []byte(`"uri": "deploy/app.yaml"`), []byte(`"uri": "file:///abs/deploy/app.yaml"`), 1)
		found := sariftool.Run(t, tool, t.TempDir(), "broken.sarif", broken)
		for _, f := range found {
			if f.Level == "error" && f.Rule == "SARIF1004" {
				return
			}
		}
		t.Errorf("the validator did not flag a broken log: %v", found)
	})
}
