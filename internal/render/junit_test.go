package render

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// The JUnit document as a consumer reads it (independent of the writer's
// types).
type jSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string    `xml:"name,attr"`
			Classname string    `xml:"classname,attr"`
			Failure   *jProblem `xml:"failure"`
			Error     *jProblem `xml:"error"`
			Skipped   *jProblem `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

type jProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

func renderJUnit(t testing.TB, rep *report.Report) ([]byte, jSuites) {
	t.Helper()
	var buf bytes.Buffer
	if err := JUnit(&buf, rep); err != nil {
		t.Fatalf("JUnit: %v", err)
	}
	var doc jSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit output does not parse: %v\n%s", err, buf.String())
	}
	// The counts must add up, at both levels.
	tests, failures, errors, skipped := 0, 0, 0, 0
	for _, s := range doc.Suites {
		f, e, sk := 0, 0, 0
		for _, c := range s.Cases {
			if c.Failure != nil {
				f++
			}
			if c.Error != nil {
				e++
			}
			if c.Skipped != nil {
				sk++
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
			t.Errorf("suite %q: tests=%d failures=%d errors=%d skipped=%d, but it has %d cases, %d failing, %d erroring, %d skipped",
				s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
		}
		tests += s.Tests
		failures += s.Failures
		errors += s.Errors
		skipped += s.Skipped
	}
	if doc.Tests != tests || doc.Failures != failures || doc.Errors != errors || doc.Skipped != skipped {
		t.Errorf("testsuites: tests=%d failures=%d errors=%d skipped=%d; suites add up to %d/%d/%d/%d",
			doc.Tests, doc.Failures, doc.Errors, doc.Skipped, tests, failures, errors, skipped)
	}
	return buf.Bytes(), doc
}

func TestJUnitSample(t *testing.T) {
	raw, doc := renderJUnit(t, sampleReport())
	if !bytes.HasPrefix(raw, []byte(xml.Header)) {
		t.Error("no XML declaration")
	}
	if doc.Tests != 4 || doc.Failures != 2 || doc.Errors != 1 || doc.Skipped != 1 {
		t.Errorf("totals = %d/%d/%d/%d, want 4 tests, 2 failures, 1 error, 1 skipped", doc.Tests, doc.Failures, doc.Errors, doc.Skipped)
	}
	if len(doc.Suites) != 3 {
		t.Fatalf("%d suites, want 3", len(doc.Suites))
	}
	names := []string{doc.Suites[0].Name, doc.Suites[1].Name, doc.Suites[2].Name}
	if names[0] != "K8S-001 Privileged container" || names[1] != "K8S-016 runAsNonRoot not true" || names[2] != "bulwark input" {
		t.Errorf("suites = %q", names)
	}
	priv := doc.Suites[0]
	if priv.Failures != 2 || len(priv.Cases) != 2 {
		t.Fatalf("K8S-001 suite: %d failures in %d cases", priv.Failures, len(priv.Cases))
	}
	c := priv.Cases[1]
	if c.Name != "Deployment/default/web spec.template.spec.containers[0].securityContext.privileged" || c.Classname != "K8S-001" {
		t.Errorf("case = %q (%s)", c.Name, c.Classname)
	}
	if c.Failure == nil || c.Failure.Type != "critical" || !strings.Contains(c.Failure.Message, `container "web" is privileged`) {
		t.Fatalf("failure = %+v", c.Failure)
	}
	for _, want := range []string{"Location: deploy/app.yaml:12:9", "blocking", metaPrivileged.Remediation, "Evidence: true"} {
		if !strings.Contains(c.Failure.Body, want) {
			t.Errorf("failure body lacks %q:\n%s", want, c.Failure.Body)
		}
	}
	// A finding that does not block the run is no failed test: CI tasks
	// that fail on failed tests must agree with the exit code.
	if c := doc.Suites[1].Cases[0]; c.Failure != nil || c.Skipped == nil || !strings.Contains(c.Skipped.Body, "reported only") || doc.Suites[1].Skipped != 1 {
		t.Errorf("non-blocking finding case: %+v", c)
	}
	in := doc.Suites[2]
	if in.Errors != 1 || in.Cases[0].Error == nil || in.Cases[0].Name != "deploy/broken.yaml:3" ||
		!strings.Contains(in.Cases[0].Error.Message, "mapping values") {
		t.Errorf("input suite = %+v", in)
	}
}

func TestJUnitEmpty(t *testing.T) {
	_, doc := renderJUnit(t, emptyReport())
	if doc.Tests != 2 || doc.Failures != 0 || doc.Errors != 0 || len(doc.Suites) != 2 {
		t.Fatalf("totals = %d/%d/%d in %d suites, want 2 passing checks", doc.Tests, doc.Failures, doc.Errors, len(doc.Suites))
	}
	for _, s := range doc.Suites {
		if len(s.Cases) != 1 || s.Cases[0].Failure != nil || s.Cases[0].Error != nil {
			t.Errorf("suite %q should have one passing case: %+v", s.Name, s.Cases)
		}
	}
}

func TestJUnitCheckError(t *testing.T) {
	_, doc := renderJUnit(t, edgeReport())
	var found bool
	for _, s := range doc.Suites {
		if !strings.HasPrefix(s.Name, "K8S-016 ") {
			continue
		}
		for _, c := range s.Cases {
			if c.Error != nil {
				found = true
				if c.Classname != "K8S-016" || !strings.Contains(c.Error.Body, "goroutine") || strings.Contains(c.Error.Message, "goroutine") {
					t.Errorf("check error case = %+v", c)
				}
			}
		}
	}
	if !found {
		t.Error("the check error has no error test case")
	}
}

func TestJUnitOddCharacters(t *testing.T) {
	rep := sampleReport()
	odd := "bad \x00\x01\x1b[31m ]]> <&> \"q\" 'a' \xff\xfe \ufffe \U0001F600 end"
	rep.Findings[0].Message = odd
	rep.Findings[0].Evidence = "]]>]]>"
	rep.Errors[0].Message = odd
	_, doc := renderJUnit(t, rep)
	var body string
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			for _, p := range []*jProblem{c.Failure, c.Skipped} {
				if p != nil && strings.Contains(p.Message, "bad ") {
					body = p.Body
				}
			}
		}
	}
	for _, want := range []string{"]]> <&>", `"q"`, "\U0001F600 end", "Evidence: ]]>]]>"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lost %q:\n%q", want, body)
		}
	}
	if strings.ContainsAny(body, "\x00\x01\x1b\ufffe") {
		t.Errorf("body kept characters XML cannot carry: %q", body)
	}
}

func FuzzJUnit(f *testing.F) {
	f.Add("container \"web\" is privileged", "deploy/app.yaml", "spec.containers[0].securityContext.privileged", "true", "Privileged container", 12)
	f.Add("]]>", "]]>", "<![CDATA[", "&amp;", "\x00", 0)
	f.Add("\xff\xfe\ufffe\uffff\U0010FFFF", "a\rb", "\t", "\x1b", "\ud7ff", -1)
	f.Fuzz(func(t *testing.T, message, file, field, evidence, title string, line int) {
		rep := fuzzReport(message, file, field, evidence, title, line)
		_, doc := renderJUnit(t, rep)
		if doc.Failures+doc.Skipped != len(rep.Findings) || doc.Errors != len(rep.Errors)+len(rep.CheckErrors) {
			t.Fatalf("failures=%d skipped=%d errors=%d for %d findings, %d input and %d check errors",
				doc.Failures, doc.Skipped, doc.Errors, len(rep.Findings), len(rep.Errors), len(rep.CheckErrors))
		}
	})
}
