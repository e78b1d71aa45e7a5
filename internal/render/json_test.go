package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bulwark-sec/bulwark/internal/report"
)

func TestJSONRoundTrip(t *testing.T) {
	rep := sampleReport()
	var buf bytes.Buffer
	if err := JSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var back report.Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if back.SchemaVersion != report.SchemaVersion || len(back.Findings) != 3 || len(back.Checks) != 2 || len(back.Errors) != 1 {
		t.Errorf("round trip lost data: %+v", back)
	}
	if back.Summary.Result != "error" || back.Summary.Blocking != 2 {
		t.Errorf("summary = %+v", back.Summary)
	}
}

func TestWriteFormats(t *testing.T) {
	for _, f := range Formats {
		var buf bytes.Buffer
		if err := Write(&buf, f, sampleReport(), Options{}); err != nil {
			t.Errorf("Write(%s): %v", f, err)
		}
		if buf.Len() == 0 {
			t.Errorf("Write(%s) wrote nothing", f)
		}
	}
	if err := Write(&bytes.Buffer{}, "yaml", sampleReport(), Options{}); err == nil || !strings.Contains(err.Error(), "unknown output format") {
		t.Errorf("Write(yaml) = %v", err)
	}
}

func FuzzJSON(f *testing.F) {
	f.Add("container \"web\" is privileged", "deploy/app.yaml", "spec.containers[0].securityContext.privileged", "true", "Privileged container", 12)
	f.Add("\x00\xff</script>&", "\u2028", "", "", "", -1)
	f.Fuzz(func(t *testing.T, message, file, field, evidence, title string, line int) {
		rep := fuzzReport(message, file, field, evidence, title, line)
		var buf bytes.Buffer
		if err := JSON(&buf, rep); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(buf.Bytes()) {
			t.Fatalf("invalid JSON: %q", buf.String())
		}
		var back report.Report
		if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
			t.Fatalf("decode: %v", err)
		}
		if len(back.Findings) != len(rep.Findings) {
			t.Fatalf("%d findings, want %d", len(back.Findings), len(rep.Findings))
		}
		if utf8.ValidString(message) && back.Findings[0].Message != message {
			t.Fatalf("message %q came back as %q", message, back.Findings[0].Message)
		}
	})
}

// The streaming encoder must write exactly what encoding/json would for
// the whole report, so that consumers see one stable layout.
func TestJSONStreamingMatchesEncoder(t *testing.T) {
	// Enough findings that encoder and buffer reuse across elements is
	// exercised many times.
	large := sampleReport()
	for len(large.Findings) < 2000 {
		f := large.Findings[len(large.Findings)%2]
		f.Message = fmt.Sprintf("%s #%d <&>", f.Message, len(large.Findings))
		large.Findings = append(large.Findings, f)
	}
	for name, rep := range map[string]*report.Report{"sample": sampleReport(), "empty": emptyReport(), "edge": edgeReport(), "large": large} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := JSON(&got, rep); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: streaming output differs:\n--- got\n%s\n--- want\n%s", name, got.String(), want.String())
		}
	}
}

// TestJSONRelated: every finding of a group stays in the JSON report; the
// primary lists the others, which point back at it.
func TestJSONRelated(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, groupedReport()); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Summary  report.Summary `json:"summary"`
		Findings []struct {
			CheckID     string `json:"checkID"`
			Fingerprint string `json:"fingerprint"`
			Related     []struct {
				CheckID, Fingerprint, Field string
			} `json:"related"`
			RelatedTo string `json:"relatedTo"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Findings) != 5 || got.Summary.Findings != 5 || got.Summary.Blocking != 2 {
		t.Fatalf("%d findings, summary %+v", len(got.Findings), got.Summary)
	}
	fp := map[string]string{}
	for _, f := range got.Findings {
		fp[f.CheckID] = f.Fingerprint
	}
	for _, f := range got.Findings {
		var ids []string
		for _, r := range f.Related {
			ids = append(ids, r.CheckID)
			if r.Fingerprint != fp[r.CheckID] || r.Field == "" {
				t.Errorf("%s: related %+v", f.CheckID, r)
			}
		}
		want, wantTo := map[string]string{"K8S-009": "[K8S-005 K8S-026]", "K8S-040": "[K8S-042]"}[f.CheckID], map[string]string{"K8S-005": "K8S-009", "K8S-026": "K8S-009", "K8S-042": "K8S-040"}[f.CheckID]
		if fmt.Sprint(ids) != want && !(want == "" && ids == nil) || (wantTo != "" && f.RelatedTo != fp[wantTo]) || (wantTo == "" && f.RelatedTo != "") {
			t.Errorf("%s: related %v relatedTo %q", f.CheckID, ids, f.RelatedTo)
		}
	}
}

// TestAppendIndent: appendIndent lays out compact JSON exactly as
// json.Indent does, on what encoding/json writes for awkward values:
// brackets, commas, colons and escaped quotes inside strings, empty
// containers, nesting.
func TestAppendIndent(t *testing.T) {
	values := []any{
		nil, 1.5, "x", []any{}, map[string]any{},
		map[string]any{"a": []any{}, "b": map[string]any{}, "c": []any{1, "}", map[string]any{"d": `"[,:]\"`}}},
		[]any{[]any{[]any{}}, map[string]any{"": ""}, "\\", "\\\"", "\u2028<&>", "\x01\n"},
		struct {
			A []int          `json:"a"`
			B map[string]int `json:"b,omitempty"`
			C *int           `json:"c"`
		}{A: []int{1, 2, 3}},
	}
	var deep any = []any{1, map[string]any{"k": "v"}}
	for range 20 {
		deep = []any{2, map[string]any{"x": deep}}
	}
	values = append(values, deep)
	for _, v := range values {
		compact, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		for _, prefix := range []string{"", "    "} {
			var want bytes.Buffer
			if err := json.Indent(&want, compact, prefix, "  "); err != nil {
				t.Fatal(err)
			}
			if got := appendIndent(nil, compact, prefix, "  "); string(got) != want.String() {
				t.Errorf("%s with prefix %q:\n got %s\nwant %s", compact, prefix, got, want.String())
			}
		}
	}
}

func FuzzAppendIndent(f *testing.F) {
	f.Add(`{"a":[1,{"b":"}],\""},[]],"c":{}}`)
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		compact, err := json.Marshal(v)
		if err != nil {
			return
		}
		var want bytes.Buffer
		if err := json.Indent(&want, compact, "  ", "  "); err != nil {
			t.Fatal(err)
		}
		if got := appendIndent(nil, compact, "  ", "  "); string(got) != want.String() {
			t.Errorf("%s:\n got %s\nwant %s", compact, got, want.String())
		}
	})
}
