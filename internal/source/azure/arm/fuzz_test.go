package arm

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/azmodel"
)

// FuzzEval evaluates any expression under the production limits: the
// result is a value, an unknown or the run's limit error, never another
// panic.
func FuzzEval(f *testing.F) {
	for _, examples := range []map[string][]struct {
		expr string
		want any
	}{functionExamples, moreExamples} {
		for _, exs := range examples {
			for _, ex := range exs {
				f.Add(ex.expr)
			}
		}
	}
	f.Fuzz(func(t *testing.T, expr string) {
		sc := exampleScope()
		sc.b = azmodel.NewBudget(azmodel.DefaultLimits)
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(*azmodel.LimitError); !ok {
					t.Fatalf("%q panics: %v", expr, r)
				}
			}
		}()
		sc.evalString(expr)
	})
}
