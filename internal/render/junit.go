package render

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// JUnit document, in the dialect Azure Pipelines' "Publish Test Results"
// task (testResultsFormat: JUnit), Jenkins and GitLab read.
type junitTestsuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Skipped  int              `xml:"skipped,attr"`
	Time     string           `xml:"time,attr"`
	Suites   []junitTestsuite `xml:"testsuite"`
}

type junitTestsuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties *junitProps     `xml:"properties,omitempty"`
	Cases      []junitTestcase `xml:"testcase"`
}

type junitProps struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestcase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",cdata"`
}

// JUnit writes the report as JUnit XML for CI test tabs: one test suite per
// check that ran, one test case per finding (failing when the finding
// blocks the run, skipped with its status when it does not: a CI task that
// fails on failed tests then agrees with the exit code), one passing test
// case for a check without findings, and a "bulwark input" suite whose error
// cases are the inputs that could not be read. A check that crashed on an
// object has an error case in its suite.
func JUnit(w io.Writer, rep *report.Report) error {
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
			loc := report.Location{File: e.File, Line: e.Line}.String()
			if loc == "" {
				loc = "(no file)"
			}
			s.Cases = append(s.Cases, junitTestcase{
				Name:      xmlSafe(loc),
				Classname: "bulwark.input",
				File:      junitFile(e.File),
				Line:      max(e.Line, 0),
				Time:      "0",
				Error: &junitProblem{
					Message: xmlSafe(e.Message),
					Type:    "input",
					Body:    xmlSafe(fmt.Sprintf("%s: %s\nThe input could not be read, so it was not checked; the verdict is incomplete.", loc, e.Message)),
				},
			})
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

func checkProps(severity, area, practice string) *junitProps {
	p := &junitProps{Props: []junitProp{{Name: "severity", Value: severity}}}
	if area != "" {
		p.Props = append(p.Props, junitProp{Name: "area", Value: xmlSafe(area)})
	}
	if practice != "" {
		p.Props = append(p.Props, junitProp{Name: "practice", Value: xmlSafe(practice)})
	}
	return p
}

func findingCase(f *report.Finding, remediation string) junitTestcase {
	name := f.Subject.String()
	if f.Field != "" {
		name += " " + f.Field
	}
	loc := f.Location.String()
	if loc == "" {
		loc = "(no file)"
	}
	msg := f.Message
	if msg == "" {
		msg = f.Title
	}
	verdict := "reported only"
	if f.Blocking {
		verdict = "blocking: fails the run"
	}
	if f.Status != "" {
		verdict += "; status " + f.StatusText()
	}
	var body strings.Builder
	fmt.Fprintf(&body, "%s %s (%s, %s)\n", f.CheckID, f.Title, f.Severity, verdict)
	fmt.Fprintf(&body, "Location: %s\n", loc)
	fmt.Fprintf(&body, "Object:   %s\n", f.Subject)
	if f.Field != "" {
		fmt.Fprintf(&body, "Field:    %s\n", f.Field)
	}
	fmt.Fprintf(&body, "Message:  %s\n", msg)
	if f.Evidence != "" {
		fmt.Fprintf(&body, "Evidence: %s\n", f.Evidence)
	}
	if remediation != "" {
		fmt.Fprintf(&body, "Fix:      %s\n", remediation)
	}
	if f.Fingerprint != "" {
		fmt.Fprintf(&body, "Fingerprint: %s\n", f.Fingerprint)
	}
	c := junitTestcase{
		Name:      xmlSafe(name),
		Classname: xmlSafe(f.CheckID),
		File:      junitFile(f.Location.File),
		Line:      max(f.Location.Line, 0),
		Time:      "0",
	}
	p := &junitProblem{
		Message: xmlSafe(loc + ": " + msg),
		Type:    xmlSafe(f.Severity.String()),
		Body:    xmlSafe(body.String()),
	}
	if f.Blocking {
		c.Failure = p
	} else {
		p.Message = xmlSafe(f.StatusText() + ": " + loc + ": " + msg)
		c.Skipped = p
	}
	return c
}

func checkErrorCase(e report.CheckError) junitTestcase {
	loc := e.Loc.String()
	if loc == "" {
		loc = "(no file)"
	}
	first, _, _ := strings.Cut(e.Err, "\n")
	return junitTestcase{
		Name:      xmlSafe(e.Subject.String()),
		Classname: xmlSafe(e.CheckID),
		File:      junitFile(e.Loc.File),
		Line:      max(e.Loc.Line, 0),
		Time:      "0",
		Error: &junitProblem{
			Message: xmlSafe(loc + ": " + first),
			Type:    "check-error",
			Body:    xmlSafe(fmt.Sprintf("check %s failed on %s at %s, which was therefore not assessed:\n%s", e.CheckID, e.Subject, loc, e.Err)),
		},
	}
}

// junitFile is the file attribute: the path as given, or nothing for input
// that has no file (standard input).
func junitFile(p string) string {
	if _, _, ok := fileURI(p); !ok {
		return ""
	}
	return xmlSafe(p)
}

// xmlSafe drops what XML 1.0 cannot carry: invalid UTF-8 becomes U+FFFD and
// characters outside the XML Char production (most C0 controls, surrogates,
// U+FFFE and U+FFFF) are removed. encoding/xml escapes the rest.
func xmlSafe(s string) string {
	ok := true
	for _, r := range s {
		if r == utf8.RuneError || !isXMLChar(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for i, w := 0, 0; i < len(s); i += w {
		r, size := utf8.DecodeRuneInString(s[i:])
		w = size
		switch {
		case r == utf8.RuneError && size <= 1:
			b.WriteRune(utf8.RuneError)
		case isXMLChar(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) ||
		(r >= 0x10000 && r <= 0x10FFFF)
}
