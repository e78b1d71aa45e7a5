package arm

import (
	"runtime"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/source/azure/internal/azmodel"
)

// allocated is what f allocates, in bytes.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestStringFunctionsDoNotCopy: first(), last(), take() and skip() of a
// long string cost what they return, not a copy of the whole string (a
// string can be as long as the bytes limit).
func TestStringFunctionsDoNotCopy(t *testing.T) {
	big := strings.Repeat("é", 1<<20)
	sc := exampleScope()
	sc.params["big"] = func() any { return big }
	for expr, want := range map[string]any{
		"[first(parameters('big'))]":           "é",
		"[last(parameters('big'))]":            "é",
		"[take(parameters('big'), 2)]":         "éé",
		"[length(skip(parameters('big'), 1))]": float64(1<<20 - 1),
	} {
		var got any
		if n := allocated(func() { got = sc.evalString(expr) }); n > 64<<10 {
			t.Errorf("%s allocates %d bytes for a %d-byte string", expr, n, len(big))
		}
		if got != want {
			t.Errorf("%s = %#v, want %#v", expr, got, want)
		}
	}
}

// TestUnionCopiesWithinBudget: union() of objects built from shared parts
// copies each part at every use; the copies count against the bytes limit
// as they are made, so the limit stops them before they outgrow it.
func TestUnionCopiesWithinBudget(t *testing.T) {
	tree := map[string]any{"x": "y"}
	for range 16 {
		tree = map[string]any{"l": tree, "r": tree}
	}
	sc := exampleScope()
	sc.vars["tree"] = func() any { return tree }
	sc.b = azmodel.NewBudget(azmodel.Limits{Bytes: 4096})
	var limited bool
	n := allocated(func() {
		defer func() { _, limited = recover().(*azmodel.LimitError) }()
		sc.evalString("[union(variables('tree'), variables('tree'))]")
	})
	if !limited {
		t.Error("union() of 65,536 shared leaves within a 4096-byte limit")
	}
	if n > 1<<20 {
		t.Errorf("union() allocated %d bytes before the 4096-byte limit stopped it", n)
	}
}
