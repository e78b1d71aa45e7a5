// Package loadtest holds what the tests of package azure and of its
// readers (arm, terraform, live) share: loading inputs through the
// package's API, the models found, and lines of the example files.
package loadtest

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
)

// Examples is the repository's examples/aks directory, wherever the test
// runs from.
var Examples = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "../../../../../examples/aks")
}()

// Load reads paths with default options.
func Load(t *testing.T, paths ...string) *azure.Result {
	t.Helper()
	res, err := azure.Load(t.Context(), paths, azure.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// LoadString reads doc as standard input.
func LoadString(t *testing.T, doc string) *azure.Result {
	t.Helper()
	res, err := azure.Load(t.Context(), []string{"-"}, azure.Options{Stdin: strings.NewReader(doc)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Clusters are the clusters found, in order.
func Clusters(res *azure.Result) []*aksmodel.Cluster {
	var out []*aksmodel.Cluster
	for _, o := range res.Objects {
		if c, ok := o.Typed.(*aksmodel.Cluster); ok {
			out = append(out, c)
		}
	}
	return out
}

// Registries are the registries found, in order.
func Registries(res *azure.Result) []*aksmodel.Registry {
	var out []*aksmodel.Registry
	for _, o := range res.Objects {
		if r, ok := o.Typed.(*aksmodel.Registry); ok {
			out = append(out, r)
		}
	}
	return out
}

// Object is the first object of kind; the test fails without one.
func Object(t *testing.T, res *azure.Result, kind string) *inventory.Object {
	t.Helper()
	for _, o := range res.Objects {
		if o.Kind == kind {
			return o
		}
	}
	t.Fatalf("no %s in %+v", kind, res)
	return nil
}

// LineOf finds the 1-based line of the first line containing s.
func LineOf(t *testing.T, file, s string) int {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), s) {
			return n
		}
	}
	t.Fatalf("%q not in %s", s, file)
	return 0
}
