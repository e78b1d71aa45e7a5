package arm

import (
	"reflect"
	"sort"
	"testing"
)

// functionExamples are Microsoft's documented examples of each template
// function (learn.microsoft.com/azure/azure-resource-manager/templates/
// template-functions-*), with the documented output. Every entry of
// functions has at least one (TestEveryFunctionHasExamples).
var functionExamples = map[string][]struct {
	expr string
	want any
}{
	"parameters": {{"[parameters('name')]", "aks-prod"}},
	"variables":  {{"[variables('prefix')]", "shop"}},
	"copyindex":  {{"[copyIndex()]", 1.0}, {"[copyIndex(1)]", 2.0}, {"[copyIndex('pools', 10)]", 11.0}},
	"concat": {
		{"[concat('prefix', '-', 'abc')]", "prefix-abc"},
		{"[concat(createArray('1', '2', '3'), createArray('4', '5', '6'))]", []any{"1", "2", "3", "4", "5", "6"}},
	},
	"format": {{"[format('{0}, {1}.', 'Hello', 'User')]", "Hello, User."}, {"[format('{{{0}}}', 'x')]", "{x}"}},
	"string": {
		{"[string(createObject('valueA', 10, 'valueB', 'Example Text'))]", `{"valueA":10,"valueB":"Example Text"}`},
		{"[string(createArray('a', 'b', 'c'))]", `["a","b","c"]`},
		{"[string(5)]", "5"},
	},
	"int":        {{"[int('4')]", 4.0}},
	"bool":       {{"[bool('true')]", true}, {"[bool('false')]", false}, {"[bool(1)]", true}, {"[bool(0)]", false}},
	"json":       {{`[json('{"a": "b"}')]`, map[string]any{"a": "b"}}, {"[json('null')]", nil}, {"[json('true')]", true}},
	"tolower":    {{"[toLower('One Two Three')]", "one two three"}},
	"toupper":    {{"[toUpper('One Two Three')]", "ONE TWO THREE"}},
	"trim":       {{"[trim('    one two three   ')]", "one two three"}},
	"replace":    {{"[replace('123-123-1234', '-', '')]", "1231231234"}, {"[replace('123-123-1234', '1234', 'xxxx')]", "123-123-xxxx"}},
	"split":      {{"[split('one,two,three', ',')]", []any{"one", "two", "three"}}, {"[split('one;two,three', createArray(',', ';'))]", []any{"one", "two", "three"}}},
	"startswith": {{"[startsWith('abcdef', 'ab')]", true}, {"[startsWith('abcdef', 'A')]", true}, {"[startsWith('abcdef', 'e')]", false}},
	"endswith":   {{"[endsWith('abcdef', 'ef')]", true}, {"[endsWith('abcdef', 'F')]", true}, {"[endsWith('abcdef', 'e')]", false}},
	"length": {
		{"[length(createArray('one', 'two', 'three'))]", 3.0}, {"[length('One Two Three')]", 13.0},
		{"[length(createObject('propA', 'one', 'propB', 'two', 'propC', 'three', 'propD', createObject('propD-1', 'sub', 'propD-2', 'sub')))]", 4.0},
	},
	"empty":    {{"[empty(createArray())]", true}, {"[empty(createObject())]", true}, {"[empty('')]", true}, {"[empty('a')]", false}},
	"contains": {{"[contains('OneTwoThree', 'e')]", true}, {"[contains('OneTwoThree', 'z')]", false}, {"[contains(createObject('one', 'a', 'two', 'b', 'three', 'c'), 'two')]", true}, {"[contains(createArray('one', 'two', 'three'), 'three')]", true}, {"[contains(createArray('one', 'two', 'three'), 'four')]", false}},
	"first":    {{"[first(createArray('one', 'two', 'three'))]", "one"}, {"[first('One Two Three')]", "O"}},
	"last":     {{"[last(createArray('one', 'two', 'three'))]", "three"}, {"[last('One Two Three')]", "e"}},
	"union": {
		{"[union(createObject('one', 'a', 'two', 'b', 'three', 'c1'), createObject('three', 'c2', 'four', 'd', 'five', 'e'))]", map[string]any{"one": "a", "two": "b", "three": "c2", "four": "d", "five": "e"}},
		{"[union(createArray('one', 'two', 'three'), createArray('three', 'four'))]", []any{"one", "two", "three", "four"}},
	},
	"shallowmerge":    {{"[shallowMerge(createArray(createObject('one', 'a'), createObject('two', 'b'), createObject('two', 'c')))]", map[string]any{"one": "a", "two": "c"}}},
	"createarray":     {{"[createArray('a', 'b', 'c')]", []any{"a", "b", "c"}}, {"[createArray(1, 2, 3)]", []any{1.0, 2.0, 3.0}}},
	"array":           {{"[array('efgh')]", []any{"efgh"}}, {"[array(createArray('a'))]", []any{"a"}}},
	"createobject":    {{"[createObject('intProp', 1, 'stringProp', 'abc', 'boolProp', true())]", map[string]any{"intProp": 1.0, "stringProp": "abc", "boolProp": true}}},
	"equals":          {{"[equals(1, 1)]", true}, {"[equals('demo', 'demo')]", true}, {"[equals(createArray('a', 'b'), createArray('a', 'b'))]", true}, {"[equals('a', 'b')]", false}},
	"not":             {{"[not(equals(1, 2))]", true}, {"[not(true())]", false}},
	"and":             {{"[and(true(), false())]", false}, {"[and(true(), true())]", true}},
	"or":              {{"[or(true(), false())]", true}, {"[or(false(), false())]", false}},
	"greater":         {{"[greater(10, 5)]", true}, {"[greater(5, 10)]", false}},
	"greaterorequals": {{"[greaterOrEquals(10, 10)]", true}},
	"less":            {{"[less(10, 5)]", false}},
	"lessorequals":    {{"[lessOrEquals(10, 10)]", true}},
	"add":             {{"[add(5, 3)]", 8.0}},
	"sub":             {{"[sub(7, 3)]", 4.0}},
	"mul":             {{"[mul(5, 3)]", 15.0}},
	"div":             {{"[div(8, 3)]", 2.0}},
	"mod":             {{"[mod(7, 3)]", 1.0}},
	"min":             {{"[min(createArray(0, 3, 2, 5, 4))]", 0.0}, {"[min(0, 3, 2, 5, 4)]", 0.0}},
	"max":             {{"[max(createArray(0, 3, 2, 5, 4))]", 5.0}, {"[max(0, 3, 2, 5, 4)]", 5.0}},
	"range":           {{"[range(1, 5)]", []any{1.0, 2.0, 3.0, 4.0, 5.0}}},
	"take":            {{"[take(createArray('one', 'two', 'three'), 2)]", []any{"one", "two"}}},
	"skip":            {{"[skip(createArray('one', 'two', 'three'), 2)]", []any{"three"}}},
	"items": {{"[items(createObject('item002', 'b', 'item001', 'a'))]", []any{
		map[string]any{"key": "item001", "value": "a"}, map[string]any{"key": "item002", "value": "b"}}}},
	"objectkeys":    {{"[objectKeys(createObject('a', 1, 'b', 2))]", []any{"a", "b"}}},
	"join":          {{"[join(createArray('one', 'two', 'three'), ',')]", "one,two,three"}},
	"subscription":  {{"[subscription().subscriptionId]", "{subscriptionId}"}},
	"resourcegroup": {{"[resourceGroup().name]", "{resourceGroupName}"}},
	"tenant":        {{"[tenant().tenantId]", "{tenantId}"}},
	"deployment":    {{"[deployment().name]", "{deploymentName}"}},
	"resourceid": {{"[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'subnet')]",
		"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/subnet"}},
	"subscriptionresourceid": {{"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac-6180-42a0-ab88-20f7382dd24c')]",
		"/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c"}},
	"tenantresourceid": {{"[tenantResourceId('Microsoft.Authorization/policyDefinitions', 'def')]", "/providers/Microsoft.Authorization/policyDefinitions/def"}},
	"extensionresourceid": {{"[extensionResourceId('/subscriptions/s/resourceGroups/g', 'Microsoft.Authorization/locks', 'lock')]",
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.Authorization/locks/lock"}},
	"reference": {{"[reference('x').a]", ref{target: "x", path: []string{"a"}}}},
	"tryget":    {{"[tryGet(createObject('a', 1), 'a')]", 1.0}, {"[tryGet(createObject('a', 1), 'b')]", nil}},
}

func exampleScope() *scope {
	return &scope{
		params:  map[string]func() any{"name": func() any { return "aks-prod" }},
		vars:    map[string]func() any{"prefix": func() any { return "shop" }},
		copies:  map[string]int{"": 1, "pools": 1},
		symbols: map[string]string{},
	}
}

func TestFunctionExamples(t *testing.T) {
	for name, examples := range functionExamples {
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

// TestEveryFunctionHasExamples: a function added to the table comes with
// its documented examples.
func TestEveryFunctionHasExamples(t *testing.T) {
	var missing []string
	for name := range functions {
		if len(functionExamples[name]) == 0 {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("functions without examples: %v", missing)
	}
}
