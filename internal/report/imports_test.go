package report

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestIndependentOfInternals: the report imports no other bulwark package
// and the renderers import only the report, so the engine's and the
// policy's structs cannot reach the output without a conversion in
// internal/scan.
func TestIndependentOfInternals(t *testing.T) {
	const module = "github.com/bulwark-sec/bulwark/"
	for dir, allowed := range map[string][]string{
		".":          nil,
		"../render":  {module + "internal/report"},
		"schematest": nil,
	} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, name), nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if strings.HasPrefix(path, module) && !slices.Contains(allowed, path) {
					t.Errorf("%s imports %s", filepath.Join(dir, name), path)
				}
			}
		}
	}
}
