package images

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// run evaluates one check on the Image object of res.
func run(t *testing.T, id string, res *imagescan.Result) []finding.Finding {
	t.Helper()
	c, ok := check.Lookup(id)
	if !ok {
		t.Fatalf("%s not registered", id)
	}
	obj := imagescan.ToObjects([]*imagescan.Result{res})[0]
	if !c.AppliesTo(obj.Kind) {
		t.Fatalf("%s does not apply to %s", id, obj.Kind)
	}
	r := check.NewReport(c, obj)
	c.Eval(&check.Context{Settings: &check.Settings{}}, obj, r)
	checktest.Observe([]*check.Check{c}, []*inventory.Object{obj}, r.Findings())
	return r.Findings()
}

func baseResult() *imagescan.Result {
	return &imagescan.Result{
		Target:     imagescan.Target{Ref: "myacr.azurecr.io/app:1.0"},
		Repository: "myacr.azurecr.io/app",
		Digest:     "sha256:" + sixtyFour('a'),
	}
}

func sixtyFour(c byte) string {
	b := make([]byte, 64)
	for i := range b {
		b[i] = c
	}
	return string(b)
}

func fields(fs []finding.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Field)
	}
	slices.Sort(out)
	return out
}
