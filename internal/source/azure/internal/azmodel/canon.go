package azmodel

import (
	"fmt"
	"strconv"
	"strings"
)

// Issue is a value that does not fit the SDK model, at a path (segments
// as for segKey).
type Issue struct {
	Path []string
	Msg  string
}

// canonicalize brings v to the SDK's spelling and types following s:
// object keys renamed to their REST names, "true"/"false" strings to
// booleans, numeric strings to numbers. Keys the SDK does not know are
// kept as written (preview fields are read from them). A value of the
// wrong shape is dropped and reported, so that one bad field does not
// stop the rest of the document from being checked.
func canonicalize(v any, s *Schema, path []string, issues *[]Issue) (any, bool) {
	if v == nil || s == nil || s.Kind == SchemaAny {
		return v, true
	}
	bad := func(want string) (any, bool) {
		*issues = append(*issues, Issue{path, fmt.Sprintf("%s: want %s, got %s", Dotted(path), want, Describe(v))})
		return nil, false
	}
	switch s.Kind {
	case schemaObject:
		m, ok := v.(map[string]any)
		if !ok {
			return bad("an object")
		}
		m = nestProperties(m, s)
		out := make(map[string]any, len(m))
		for k, fv := range m {
			name, fs, _ := s.Field(k)
			if _, clash := out[name]; clash {
				*issues = append(*issues, Issue{append(path, k), fmt.Sprintf("%s: set twice in different spellings", Dotted(append(path, k)))})
				continue
			}
			if cv, ok := canonicalize(fv, fs, append(path[:len(path):len(path)], k), issues); ok {
				out[name] = cv
			}
		}
		return out, true
	case SchemaMap:
		m, ok := v.(map[string]any)
		if !ok {
			return bad("an object")
		}
		out := make(map[string]any, len(m))
		for k, fv := range m {
			if cv, ok := canonicalize(fv, s.Elem, append(path[:len(path):len(path)], k), issues); ok {
				out[k] = cv
			}
		}
		return out, true
	case SchemaArray:
		a, ok := v.([]any)
		if !ok {
			return bad("an array")
		}
		out := make([]any, 0, len(a))
		for i, item := range a {
			cv, ok := canonicalize(item, s.Elem, append(path[:len(path):len(path)], "#"+strconv.Itoa(i)), issues)
			if !ok {
				cv = nil
			}
			out = append(out, cv)
		}
		return out, true
	case schemaBool:
		switch x := v.(type) {
		case bool:
			return x, true
		case string:
			if b, err := strconv.ParseBool(x); err == nil && (strings.EqualFold(x, "true") || strings.EqualFold(x, "false")) {
				return b, true
			}
		}
		return bad("true or false")
	case schemaNumber:
		switch x := v.(type) {
		case float64:
			return x, true
		case string:
			if f, err := strconv.ParseFloat(x, 64); err == nil {
				return f, true
			}
		}
		return bad("a number")
	case SchemaString:
		switch x := v.(type) {
		case string:
			return x, true
		case bool:
			return strconv.FormatBool(x), true
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64), true
		}
		return bad("a string")
	}
	return v, true
}

func Describe(v any) string {
	switch x := v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return strconv.Quote(Truncate(x, 60))
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Dotted prints segments as a field path: a.b[0].c.
func Dotted(segs []string) string {
	var b strings.Builder
	for i, s := range segs {
		if n, ok := strings.CutPrefix(s, "#"); ok {
			b.WriteString("[" + n + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// nestProperties undoes az's flattening of sub-resources (a registry's
// privateEndpointConnections items come without their "properties"
// level): keys that belong to the schema's properties object, and not to
// the resource level, move under "properties".
func nestProperties(m map[string]any, s *Schema) map[string]any {
	_, ps, ok := s.Field("properties")
	if !ok || ps == nil || ps.Kind != schemaObject {
		return m
	}
	for k := range m {
		if strings.EqualFold(k, "properties") {
			return m
		}
	}
	var props map[string]any
	out := make(map[string]any, len(m))
	for k, v := range m {
		_, _, outer := s.Field(k)
		_, _, inner := ps.Field(k)
		if inner && !outer {
			if props == nil {
				props = map[string]any{}
			}
			props[k] = v
			continue
		}
		out[k] = v
	}
	if props == nil {
		return m
	}
	out["properties"] = props
	return out
}
