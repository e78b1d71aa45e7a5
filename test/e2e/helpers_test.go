package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/cli"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/report/schematest"
)

// result is a run of the command line.
type result struct {
	code     int
	out, err string
	rep      *report.Report // parsed when the run wrote JSON
}

// bulwark runs the command line with args.
func bulwark(t testing.TB, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(args, strings.NewReader(""), &out, &errb)
	return result{code: code, out: out.String(), err: errb.String()}
}

// bulwarkJSON runs the command line with --format json and parses the
// report it writes.
func bulwarkJSON(t testing.TB, args ...string) result {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.json")
	r := bulwark(t, append(args, "--format", "json", "--output", path)...)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("bulwark %s: exit %d, no report (%v); stderr:\n%s", strings.Join(args, " "), r.code, err, r.err)
	}
	r.rep = &report.Report{}
	if err := json.Unmarshal(data, r.rep); err != nil {
		t.Fatalf("report: %v", err)
	}
	if err := schematest.Validate(data); err != nil {
		t.Errorf("bulwark %s: the report does not match docs/report.schema.json: %v", strings.Join(args, " "), err)
	}
	return r
}

// key identifies a finding across sources: check, subject and field.
type key struct{ check, kind, ns, name, field string }

func (k key) String() string {
	return fmt.Sprintf("%s %s/%s/%s %s", k.check, k.kind, k.ns, k.name, k.field)
}

func keys(rep *report.Report) []key {
	var ks []key
	for _, f := range rep.Findings {
		ks = append(ks, key{f.CheckID, f.Subject.Kind, f.Subject.Namespace, f.Subject.Name, f.Field})
	}
	slices.SortFunc(ks, func(a, b key) int { return strings.Compare(a.String(), b.String()) })
	return ks
}

// coverage returns the report's coverage row for kind.
func coverage(t testing.TB, rep *report.Report, kind string) report.Coverage {
	t.Helper()
	for _, c := range rep.Coverage {
		if c.Kind == kind {
			return c
		}
	}
	t.Fatalf("no coverage row for %s in %+v", kind, rep.Coverage)
	return report.Coverage{}
}
