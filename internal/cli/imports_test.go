package cli

import (
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestThinAdapter: the command line parses flags, calls the service,
// renders and maps the verdict to an exit code. It imports no source,
// check, policy or image package of this module, so a second entry point
// (webhook, operator) cannot need wiring the CLI has and it lacks.
func TestThinAdapter(t *testing.T) {
	const module = "github.com/bulwark-sec/bulwark/internal/"
	// operator and detect are the entry points of the in-cluster operator
	// and of bulwark detect: services of their own over scan for the catalog
	// and the policy, as admission is; deliberately allowed.
	allowed := []string{module + "scan", module + "admission", module + "operator", module + "detect", module + "render", module + "report", module + "version"}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "github.com/bulwark-sec/bulwark/") && !slices.Contains(allowed, path) {
				t.Errorf("%s imports %s: move what it does into internal/scan", name, path)
			}
		}
	}
}
