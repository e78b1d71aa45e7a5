package render

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/xml"
	"io"
	"os"
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// junitWhole is the JUnit writer as it was before it streamed: the whole
// document built in memory, then encoded at once. It is kept as the oracle
// that the streaming writer's bytes are held to.
func junitWhole(w io.Writer, rep *report.Report) error {
	ix := indexChecks(rep)
	byCheck := map[string][]*report.Finding{}
	for _, f := range sortedFindings(rep.Findings) {
		byCheck[f.CheckID] = append(byCheck[f.CheckID], f)
	}
	errsByCheck := map[string][]report.CheckError{}
	for _, e := range rep.CheckErrors {
		errsByCheck[e.CheckID] = append(errsByCheck[e.CheckID], e)
	}

	doc := junitTestsuites{Name: "bulwark", Time: "0"}
	for _, m := range ix.metas {
		name := m.ID
		if m.Title != "" {
			name += " " + m.Title
		}
		s := junitTestsuite{Name: xmlSafe(name), Time: "0", Properties: checkProps(m.Severity.String(), m.Area, m.Controls.Practice)}
		for _, f := range byCheck[m.ID] {
			c := findingCase(f, m.Remediation)
			s.Cases = append(s.Cases, c)
			if c.Failure != nil {
				s.Failures++
			} else {
				s.Skipped++
			}
		}
		errs := slices.Clone(errsByCheck[m.ID])
		slices.SortStableFunc(errs, func(a, b report.CheckError) int {
			return cmp.Or(cmp.Compare(a.Loc.File, b.Loc.File), cmp.Compare(a.Loc.Line, b.Loc.Line), compareSubjects(a.Subject, b.Subject))
		})
		for _, e := range errs {
			s.Cases = append(s.Cases, checkErrorCase(e))
			s.Errors++
		}
		if len(s.Cases) == 0 {
			s.Cases = append(s.Cases, junitTestcase{
				Name:      xmlSafe(name + ": no findings"),
				Classname: xmlSafe(m.ID),
				Time:      "0",
			})
		}
		s.Tests = len(s.Cases)
		doc.Suites = append(doc.Suites, s)
	}

	if len(rep.Errors) > 0 {
		s := junitTestsuite{Name: "bulwark input", Time: "0"}
		for _, e := range rep.Errors {
			s.Cases = append(s.Cases, inputErrorCase(e))
			s.Errors++
		}
		s.Tests = len(s.Cases)
		doc.Suites = append(doc.Suites, s)
	}

	if s, ok := junitNotAssessed(rep); ok {
		doc.Suites = append(doc.Suites, s)
	}

	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// TestJUnitStreamsSameBytes holds the streaming writer to the whole-document
// one on every report shape the tests build (input errors, check errors,
// objects not assessed, odd characters, no findings) and on the real
// corpus's report as committed for bench's TestRealCorpusReportUnchanged.
func TestJUnitStreamsSameBytes(t *testing.T) {
	reps := map[string]*report.Report{
		"sample": sampleReport(),
		"empty":  emptyReport(),
		"edge":   edgeReport(),
		"fuzz":   fuzzReport("bad \x00\x1b[31m\xff msg ]]>", "dir/<a&b>.yaml", "spec.x", "ev\u2028", "ti\"tle", 3),
	}
	withInput := edgeReport()
	withInput.Errors = []report.InputError{{File: "bad.yaml", Line: 3, Message: "yaml: line 3: mapping values are not allowed"}, {Message: "no file"}}
	withInput.Inventory.NotAssessed = []report.ObjectNote{{File: "crd.yaml", Line: 1, Kind: "Certificate", Name: "c", Reason: "Bulwark has no checks for kind Certificate"}}
	reps["input-errors"] = withInput
	if f, err := os.Open("../../bench/testdata/realcorpus.json.gz"); err != nil {
		t.Errorf("real corpus report: %v", err)
	} else {
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := report.Read(zr)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Findings) < 1000 {
			t.Fatalf("real corpus report has %d findings", len(rep.Findings))
		}
		reps["realcorpus"] = rep
	}
	for name, rep := range reps {
		var got, want bytes.Buffer
		if err := JUnit(&got, rep); err != nil {
			t.Fatalf("%s: JUnit: %v", name, err)
		}
		if err := junitWhole(&want, rep); err != nil {
			t.Fatalf("%s: oracle: %v", name, err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			i := 0
			for i < min(got.Len(), want.Len()) && got.Bytes()[i] == want.Bytes()[i] {
				i++
			}
			t.Errorf("%s: streamed JUnit differs from the whole document at byte %d:\ngot  %q\nwant %q", name, i,
				got.Bytes()[max(i-80, 0):min(i+80, got.Len())], want.Bytes()[max(i-80, 0):min(i+80, want.Len())])
		}
	}
}
