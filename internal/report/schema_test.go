package report

import (
	"encoding"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/report/schematest"
)

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(schematest.Path())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := schematest.Compile(data); err != nil {
		t.Fatalf("docs/report.schema.json: %v", err)
	}
	var s map[string]any
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSchemaCoversTypes walks the report's types and the schema together:
// every JSON field of a type is a property of its schema object, required
// unless it is omitted when empty; every property is a field; every object
// is closed. A field added to a type without the schema, or left in the
// schema after the type lost it, fails here.
func TestSchemaCoversTypes(t *testing.T) {
	s := loadSchema(t)
	defs, _ := s["$defs"].(map[string]any)
	resolve := func(n map[string]any) map[string]any {
		for {
			ref, ok := n["$ref"].(string)
			if !ok {
				return n
			}
			name, ok := strings.CutPrefix(ref, "#/$defs/")
			if !ok {
				t.Fatalf("unexpected $ref %q", ref)
			}
			n, _ = defs[name].(map[string]any)
		}
	}
	textual := reflect.TypeFor[encoding.TextMarshaler]()
	var walk func(path string, typ reflect.Type, node map[string]any)
	walk = func(path string, typ reflect.Type, node map[string]any) {
		if node == nil {
			t.Errorf("%s: no schema", path)
			return
		}
		node = resolve(node)
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		if typ.Implements(textual) || reflect.PointerTo(typ).Implements(textual) {
			return // a string in JSON: the enum tests check its values
		}
		switch typ.Kind() {
		case reflect.Slice:
			items, _ := node["items"].(map[string]any)
			walk(path+"[]", typ.Elem(), items)
		case reflect.Struct:
			if node["additionalProperties"] != false {
				t.Errorf("%s: object is not closed (additionalProperties: false)", path)
			}
			props, _ := node["properties"].(map[string]any)
			var required []string
			req, _ := node["required"].([]any)
			for _, r := range req {
				required = append(required, r.(string))
			}
			fields := map[string]bool{}
			for f := range typ.Fields() {
				tag := f.Tag.Get("json")
				if !f.IsExported() || tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				fields[name] = true
				p, ok := props[name].(map[string]any)
				if !ok {
					t.Errorf("%s.%s: field %s is not in the schema", path, name, f.Name)
					continue
				}
				if omit := strings.Contains(opts, "omitempty"); omit == slices.Contains(required, name) {
					t.Errorf("%s.%s: omitempty %v but required %v", path, name, omit, !omit)
				}
				walk(path+"."+name, f.Type, p)
			}
			for name := range props {
				if !fields[name] {
					t.Errorf("%s.%s: in the schema but not a field of %s", path, name, typ)
				}
			}
		}
	}
	walk("report", reflect.TypeFor[Report](), s)
}

// TestSchemaEnums: the values the schema allows are the report's.
func TestSchemaEnums(t *testing.T) {
	s := loadSchema(t)
	defs := s["$defs"].(map[string]any)
	enum := func(n any) []string {
		var out []string
		for _, v := range n.(map[string]any)["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	props := func(n any) map[string]any { return n.(map[string]any)["properties"].(map[string]any) }
	var statuses []string
	for _, st := range Statuses {
		statuses = append(statuses, string(st))
	}
	for _, tt := range []struct {
		name      string
		got, want []string
	}{
		{"severity", enum(defs["severity"]), SeverityNames()},
		{"finding status", enum(props(defs["finding"])["status"]), statuses},
		{"coverage status", enum(props(defs["coverage"])["status"]), []string{CoverageRead, CoverageNotServed, CoverageNotRead, CoverageNotApplicable}},
		{"fleet cluster status", enum(props(defs["fleetCluster"])["status"]), []string{ClusterAssessed, ClusterNotAssessed}},
	} {
		if !slices.Equal(tt.got, tt.want) {
			t.Errorf("%s: schema allows %v, the report has %v", tt.name, tt.got, tt.want)
		}
	}
	summary := props(s["properties"].(map[string]any)["summary"])
	for key, want := range map[string][]string{"bySeverity": SeverityNames(), "byStatus": statuses} {
		var got []string
		for k := range props(summary[key]) {
			got = append(got, k)
		}
		slices.Sort(got)
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			t.Errorf("summary.%s: schema has %v, the report counts %v", key, got, want)
		}
	}
}
