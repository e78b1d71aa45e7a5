package checks_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/check"
	_ "github.com/bulwark-sec/bulwark/internal/checks"
)

// checkID matches a check id as a whole string literal.
var checkID = regexp.MustCompile(`^(K8S|AKS|ACR|IMG|DET)-[0-9A-Z]{3,4}$`)

// TestNoTablesKeyedByCheckID guards the rule that everything about a check
// is declared once, in its declaration: outside the ID field of a
// declaration, no production code names a check id. A map or list of ids
// elsewhere (which checks are file-only, which read the calendar, which
// aspect an image check reads) drifts from the catalog the day a check is
// added. Ids inside prose (messages, comments) are not literals of their
// own and are not caught; remediation text that says "see K8S-001" is fine.
func TestNoTablesKeyedByCheckID(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == "testdata" || (strings.HasPrefix(name, ".") && path != root) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		declared := map[*ast.BasicLit]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			// A package's own register helper declares a check too
			// (registerVulnCheck("IMG-001", ...)).
			if call, ok := n.(*ast.CallExpr); ok {
				if fn, ok := call.Fun.(*ast.Ident); ok && strings.HasPrefix(fn.Name, "register") && len(call.Args) > 0 {
					if lit, ok := call.Args[0].(*ast.BasicLit); ok {
						declared[lit] = true
					}
				}
			}
			if kv, ok := n.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "ID" {
					if lit, ok := kv.Value.(*ast.BasicLit); ok {
						declared[lit] = true
					}
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING || declared[lit] {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && checkID.MatchString(s) {
				t.Errorf("%s: check id %s outside its declaration; declare what it says in check.Meta instead", fset.Position(lit.Pos()), s)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEveryCheckDeclaresWhereItRuns: sources are required (Register
// enforces it); a check left out of a source that reads its kinds says why.
func TestEveryCheckDeclaresWhereItRuns(t *testing.T) {
	for _, c := range check.All() {
		if len(c.Sources) == 0 {
			t.Errorf("%s: no sources", c.ID)
		}
		kubernetes := c.RunsOn(check.Manifests) || c.RunsOn(check.Cluster)
		if kubernetes && !(c.RunsOn(check.Manifests) && c.RunsOn(check.Cluster)) && c.SourceNote == "" {
			t.Errorf("%s runs on %v only and does not say why (SourceNote)", c.ID, c.Sources)
		}
	}
}
