package arm

import (
	"reflect"
	"testing"
)

// moreExamples are further documented examples, from the same pages as
// functionExamples: the string, array, object, comparison, logical and
// resource function references
// (learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-*),
// with the documented output. Functions evaluated lazily in scope.call
// (if, coalesce, true, false, null) are here too.
var moreExamples = map[string][]struct {
	expr string
	want any
}{
	// "The string comparison is case-sensitive. However, when testing if
	// an object contains a key, the comparison is case-insensitive."
	"contains": {
		{"[contains(createObject('one', 'a', 'two', 'b', 'three', 'c'), 'b')]", false},
		{"[contains(createObject('one', 'a', 'two', 'b', 'three', 'c'), 'ONE')]", true},
		{"[contains('OneTwoThree', 'one')]", false},
	},
	// greater, greaterOrEquals, less, lessOrEquals: firstInt 1,
	// secondInt 2, firstString 'A', secondString 'a'.
	"greater":         {{"[greater(1, 2)]", false}, {"[greater('A', 'a')]", false}},
	"greaterorequals": {{"[greaterOrEquals(1, 2)]", false}, {"[greaterOrEquals('A', 'a')]", false}},
	"less":            {{"[less(1, 2)]", true}, {"[less('A', 'a')]", true}},
	"lessorequals":    {{"[lessOrEquals(1, 2)]", true}, {"[lessOrEquals('A', 'a')]", true}},
	"equals": {
		{"[equals(createObject('a', 'b'), createObject('a', 'b'))]", true},
		{"[equals(createArray('a', 'b'), createArray('a', 'c'))]", false},
	},
	"and": {{"[and(bool('true'), bool('false'))]", false}},
	"or":  {{"[or(bool('true'), bool('false'))]", true}},
	"not": {{"[not(bool('true'))]", false}},
	"if": {
		{"[if(equals('a', 'a'), 'yes', 'no')]", "yes"},
		{"[if(equals('a', 'b'), 'yes', 'no')]", "no"},
		{`[if(equals('a', 'a'), json('{"test": "value1"}'), json('null'))]`, map[string]any{"test": "value1"}},
	},
	"coalesce": {
		{"[coalesce(null(), null(), 'default')]", "default"},
		{"[coalesce(null(), null(), 1)]", 1.0},
		{"[coalesce(null(), null(), createObject('first', 'default'))]", map[string]any{"first": "default"}},
		{"[coalesce(null(), null(), createArray(1))]", []any{1.0}},
		{"[empty(coalesce(null(), null()))]", true},
	},
	"true":  {{"[true()]", true}},
	"false": {{"[false()]", false}},
	"json": {
		{`[json(concat('{"a": "', 'demo value', '"}'))]`, map[string]any{"a": "demo value"}},
	},
	"join": {{"[join(createArray('one', 'two', 'three'), ';')]", "one;two;three"}},
	"skip": {{"[skip('one two three', 4)]", "two three"}},
	"take": {{"[take('on two three', 2)]", "on"}},
	"array": {
		{"[array(1)]", []any{1.0}},
		{"[array(createObject('a', 'b', 'c', 'd'))]", []any{map[string]any{"a": "b", "c": "d"}}},
	},
	"createarray": {
		{"[createArray(createObject('one', 'a', 'two', 'b', 'three', 'c'))]", []any{map[string]any{"one": "a", "two": "b", "three": "c"}}},
		{"[createArray(createArray('one', 'two', 'three'))]", []any{[]any{"one", "two", "three"}}},
		{"[createArray()]", []any{}},
	},
	"range": {{"[range(5, 3)]", []any{5.0, 6.0, 7.0}}},
	// "The union function merges not only the top-level elements but also
	// recursively merges any nested objects within them"; arrays are
	// replaced. shallowMerge merges the top level only.
	"union": {
		{"[union(createObject('property', createObject('one', 'a', 'two', 'b', 'three', 'c1'), 'nestedArray', createArray(1, 2)), createObject('property', createObject('three', 'c2', 'four', 'd', 'five', 'e'), 'nestedArray', createArray(3, 4)))]",
			map[string]any{"property": map[string]any{"one": "a", "two": "b", "three": "c2", "four": "d", "five": "e"}, "nestedArray": []any{3.0, 4.0}}},
	},
	"shallowmerge": {
		{"[shallowMerge(createArray(createObject('one', 'a', 'nested', createObject('a', 1, 'nested', createObject('c', 3))), createObject('two', 'b', 'nested', createObject('b', 2))))]",
			map[string]any{"one": "a", "nested": map[string]any{"b": 2.0}, "two": "b"}},
	},
	"format": {{"[format('{0}, {1}. Formatted number: {2:N0}', 'Hello', 'User', 8175133)]", "Hello, User. Formatted number: 8,175,133"}},
	"resourceid": {
		{"[resourceId('Microsoft.Storage/storageAccounts', 'examplestorage')]",
			"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/examplestorage"},
		{"[resourceId('otherResourceGroup', 'Microsoft.Storage/storageAccounts', 'examplestorage')]",
			"/subscriptions/{subscriptionId}/resourceGroups/otherResourceGroup/providers/Microsoft.Storage/storageAccounts/examplestorage"},
		{"[resourceId('11111111-1111-1111-1111-111111111111', 'otherResourceGroup', 'Microsoft.Storage/storageAccounts', 'examplestorage')]",
			"/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/otherResourceGroup/providers/Microsoft.Storage/storageAccounts/examplestorage"},
	},
	"subscriptionresourceid": {
		{"[subscriptionResourceId('11111111-1111-1111-1111-111111111111', 'Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]",
			"/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"},
	},
}

func TestMoreFunctionExamples(t *testing.T) {
	for name, examples := range moreExamples {
		for _, ex := range examples {
			t.Run(name+" "+ex.expr, func(t *testing.T) {
				got := exampleScope().evalString(ex.expr)
				if !reflect.DeepEqual(got, ex.want) {
					t.Errorf("%s = %#v, want %#v", ex.expr, got, ex.want)
				}
			})
		}
	}
}

// TestFormatSpecifiers: format() follows .NET composite formatting. The
// expected values are the .NET documentation's ("Standard numeric format
// strings", invariant culture; "Composite formatting" for alignment). A
// specifier not evaluated is unknown, never ignored.
func TestFormatSpecifiers(t *testing.T) {
	for expr, want := range map[string]any{
		"[format('{0:D}', 12345)]":        "12345",
		"[format('{0:D8}', 12345)]":       "00012345",
		"[format('{0:D8}', -12345)]":      "-00012345",
		"[format('{0:N}', -12445.6789)]":  "-12,445.68",
		"[format('{0:N1}', -12445.6789)]": "-12,445.7",
		"[format('{0:N1}', 123456789)]":   "123,456,789.0",
		"[format('{0:D3}', copyIndex())]": "001",
		"[format('[{0,5}]', 'ab')]":       "[   ab]",
		"[format('[{0,-5}]', 'ab')]":      "[ab   ]",
		"[format('{0:00000}', 123)]":      "00123",
		"[format('{0:00}', copyIndex())]": "01",
		"[format('{0:N0}', 'text')]":      "text",
	} {
		if got := exampleScope().evalString(expr); got != want {
			t.Errorf("%s = %#v, want %q", expr, got, want)
		}
	}
	for _, expr := range []string{"[format('{0:X}', 255)]", "[format('{0:D2}', 1.5)]", "[format('{0,100000}', 'a')]"} {
		if _, ok := exampleScope().evalString(expr).(unknown); !ok {
			t.Errorf("%s = %#v, want unknown", expr, exampleScope().evalString(expr))
		}
	}
}
