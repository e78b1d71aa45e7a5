package arm

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// badArguments are argument lists no template function documents for all
// of its forms: none, too many, and values of every JSON type.
var badArguments = []string{
	"", "1", "'a'", "true()", "null()", "createArray()", "createObject()",
	"1, 2", "'a', 'b'", "createArray(1), 'a'", "createObject('k', 1), 1",
	"'a', 1, true(), null(), createArray(), createObject()",
}

// TestFunctionsTakeAnyArguments: a deployment fails on a function called
// with arguments it does not take, so there is nothing to judge; such a
// call is unknown before deployment (a gap), never a panic that loses the
// file and never a value made up.
func TestFunctionsTakeAnyArguments(t *testing.T) {
	names := make([]string, 0, len(functions)+len(aliasOf))
	for name := range functions {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, args := range badArguments {
			expr := fmt.Sprintf("[%s(%s)]", name, args)
			t.Run(expr, func(t *testing.T) {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("%s panics: %v", expr, r)
					}
				}()
				exampleScope().evalString(expr)
			})
		}
	}
}

// TestInvalidCallsAreUnknown: calls a deployment rejects (a missing
// argument, a separator that is not a string, a string int() or bool()
// cannot read) are unknown, with the function named in the reason.
func TestInvalidCallsAreUnknown(t *testing.T) {
	for _, expr := range []string{
		"[not()]", "[not('true')]", "[items()]", "[objectKeys()]", "[objectKeys('a')]",
		"[join(createArray('a', 'b'))]", "[join(createArray('a', 'b'), 1)]", "[join('ab', ',')]",
		"[int('4.5')]", "[bool('yes')]", "[createObject('a')]", "[greater(1)]", "[add(1, 'a')]",
		"[length(1)]", "[first(1)]", "[take(createArray(1), 'a')]",
	} {
		u, ok := exampleScope().evalString(expr).(unknown)
		if !ok {
			t.Errorf("%s = %#v, want unknown", expr, exampleScope().evalString(expr))
			continue
		}
		if name := strings.ToLower(expr[1:strings.IndexByte(expr, '(')]); !strings.Contains(strings.ToLower(u.reason), name+"(") {
			t.Errorf("%s: reason %q does not name %s()", expr, u.reason, name)
		}
	}
}
