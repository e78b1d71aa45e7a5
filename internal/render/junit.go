package render

import (
	"bufio"
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
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
//
// The counts every suite and the document carry as attributes come from a
// first pass over the findings; test cases are then encoded one at a time
// into a buffered writer, so that a large scan's report (hundreds of
// megabytes of XML) is never held whole in memory, as with JSON and SARIF.
// The bytes are those of encoding the whole junitTestsuites document.
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

	// A suite, its counts filled in, and how to produce its cases.
	type suite struct {
		head  junitTestsuite
		cases func(emit func(junitTestcase) error) error
	}
	var suites []suite
	for _, m := range ix.metas {
		name := m.ID
		if m.Title != "" {
			name += " " + m.Title
		}
		s := junitTestsuite{Name: xmlSafe(name), Time: "0", Properties: checkProps(m.Severity.String(), m.Area, m.Controls.Practice)}
		fs := byCheck[m.ID]
		for _, f := range fs {
			if f.Blocking {
				s.Failures++
			} else {
				s.Skipped++
			}
		}
		errs := slices.Clone(errsByCheck[m.ID])
		slices.SortStableFunc(errs, func(a, b report.CheckError) int {
			return cmp.Or(cmp.Compare(a.Loc.File, b.Loc.File), cmp.Compare(a.Loc.Line, b.Loc.Line), compareSubjects(a.Subject, b.Subject))
		})
		s.Errors = len(errs)
		s.Tests = len(fs) + len(errs)
		if s.Tests == 0 {
			s.Tests = 1
		}
		remediation, id := m.Remediation, m.ID
		suites = append(suites, suite{head: s, cases: func(emit func(junitTestcase) error) error {
			for _, f := range fs {
				if err := emit(findingCase(f, remediation)); err != nil {
					return err
				}
			}
			for _, e := range errs {
				if err := emit(checkErrorCase(e)); err != nil {
					return err
				}
			}
			if len(fs)+len(errs) == 0 {
				return emit(junitTestcase{
					Name:      xmlSafe(name + ": no findings"),
					Classname: xmlSafe(id),
					Time:      "0",
				})
			}
			return nil
		}})
	}

	if len(rep.Errors) > 0 {
		s := junitTestsuite{Name: "bulwark input", Time: "0", Tests: len(rep.Errors), Errors: len(rep.Errors)}
		suites = append(suites, suite{head: s, cases: func(emit func(junitTestcase) error) error {
			for _, e := range rep.Errors {
				if err := emit(inputErrorCase(e)); err != nil {
					return err
				}
			}
			return nil
		}})
	}

	// Few cases, built whole.
	if s, ok := junitNotAssessed(rep); ok {
		cases := s.Cases
		s.Cases = nil
		suites = append(suites, suite{head: s, cases: func(emit func(junitTestcase) error) error {
			for _, c := range cases {
				if err := emit(c); err != nil {
					return err
				}
			}
			return nil
		}})
	}

	doc := junitTestsuites{Name: "bulwark", Time: "0"}
	for _, s := range suites {
		doc.Tests += s.head.Tests
		doc.Failures += s.head.Failures
		doc.Errors += s.head.Errors
		doc.Skipped += s.head.Skipped
	}

	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	docStart := xml.StartElement{Name: xml.Name{Local: "testsuites"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "name"}, Value: doc.Name},
		intAttr("tests", doc.Tests),
		intAttr("failures", doc.Failures),
		intAttr("errors", doc.Errors),
		intAttr("skipped", doc.Skipped),
		{Name: xml.Name{Local: "time"}, Value: doc.Time},
	}}
	if err := enc.EncodeToken(docStart); err != nil {
		return err
	}
	caseStart := xml.StartElement{Name: xml.Name{Local: "testcase"}}
	emit := func(c junitTestcase) error { return enc.EncodeElement(c, caseStart) }
	for _, s := range suites {
		h := s.head
		start := xml.StartElement{Name: xml.Name{Local: "testsuite"}, Attr: []xml.Attr{
			{Name: xml.Name{Local: "name"}, Value: h.Name},
			intAttr("tests", h.Tests),
			intAttr("failures", h.Failures),
			intAttr("errors", h.Errors),
			intAttr("skipped", h.Skipped),
			{Name: xml.Name{Local: "time"}, Value: h.Time},
		}}
		if err := enc.EncodeToken(start); err != nil {
			return err
		}
		if h.Properties != nil {
			if err := enc.EncodeElement(h.Properties, xml.StartElement{Name: xml.Name{Local: "properties"}}); err != nil {
				return err
			}
		}
		if err := s.cases(emit); err != nil {
			return err
		}
		if err := enc.EncodeToken(start.End()); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(docStart.End()); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	if _, err := bw.WriteString("\n"); err != nil {
		return err
	}
	return bw.Flush()
}

func intAttr(name string, v int) xml.Attr {
	return xml.Attr{Name: xml.Name{Local: name}, Value: strconv.Itoa(v)}
}

func inputErrorCase(e report.InputError) junitTestcase {
	loc := report.Location{File: e.File, Line: e.Line}.String()
	if loc == "" {
		loc = "(no file)"
	}
	return junitTestcase{
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
	}
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
