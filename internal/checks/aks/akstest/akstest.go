// Package akstest runs Azure-side checks on documents written in a test,
// through the same source (internal/source/azure) and engine as a scan.
package akstest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
)

// AsOf is the day tests judge versions on.
var AsOf = time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)

// ClusterID is the id of the cluster Cluster builds.
const ClusterID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c"

// Cluster is an ARM GET document of cluster "c" with the given properties
// (a JSON object) and extra top-level members (JSON members without
// braces, e.g. `"sku": {"tier": "Standard"}`), plus what every cluster
// read back from Azure has.
func Cluster(props string, top ...string) string {
	extra := ""
	for _, t := range top {
		extra += ",\n  " + t
	}
	return `{
  "id": "` + ClusterID + `",
  "name": "c",
  "type": "Microsoft.ContainerService/managedClusters",
  "location": "westeurope"` + extra + `,
  "properties": ` + props + `
}`
}

// Registry is an ARM GET document of registry "r".
func Registry(props string, top ...string) string {
	extra := ""
	for _, t := range top {
		extra += ",\n  " + t
	}
	return `{
  "id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r",
  "name": "r",
  "type": "Microsoft.ContainerRegistry/registries",
  "location": "westeurope"` + extra + `,
  "properties": ` + props + `
}`
}

// Load reads doc like a scan would and attaches the default environment.
func Load(t testing.TB, doc string) []*inventory.Object {
	t.Helper()
	res, err := azure.Load(t.Context(), []string{"-"}, azure.Options{Stdin: strings.NewReader(doc)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Fatalf("test document does not load: %v", e)
	}
	env := aksmodel.DefaultEnv(AsOf)
	for _, o := range res.Objects {
		if c, ok := o.Typed.(*aksmodel.Cluster); ok {
			c.Env = env
		}
	}
	return res.Objects
}

// Run evaluates the check with id on the objects in doc.
func Run(t testing.TB, id, doc string) []finding.Finding {
	t.Helper()
	return RunObjects(t, id, Load(t, doc))
}

// RunObjects evaluates the check with id on objs.
func RunObjects(t testing.TB, id string, objs []*inventory.Object) []finding.Finding {
	t.Helper()
	c, ok := check.Lookup(id)
	if !ok {
		t.Fatalf("check %s is not registered", id)
	}
	res := engine.Run(inventory.New(objs), []*check.Check{c}, &check.Settings{}, engine.Options{Workers: 1})
	if len(res.Errors) > 0 {
		t.Fatalf("check errors: %v", res.Errors)
	}
	checktest.Observe([]*check.Check{c}, objs, res.Findings)
	return res.Findings
}

// Fields returns the field paths of findings, sorted.
func Fields(fs []finding.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Field
	}
	slices.Sort(out)
	return out
}

// Case is one row of a check's table test: a document and the fields the
// check must report on it (nil for none).
type Case struct {
	Name string
	Doc  string
	Want []string
}

// Table runs the check with id on each case.
func Table(t *testing.T, id string, cases []Case) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			got := Fields(Run(t, id, tc.Doc))
			want := slices.Clone(tc.Want)
			if want == nil {
				want = []string{}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: got %q, want %q", id, got, want)
			}
		})
	}
}

// C builds a Case: the check must report exactly the fields want.
func C(name, doc string, want ...string) Case {
	return Case{Name: name, Doc: doc, Want: want}
}
