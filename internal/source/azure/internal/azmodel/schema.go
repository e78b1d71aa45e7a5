package azmodel

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
)

// ARM property names are case-insensitive, and inputs spell them
// differently: `az` output uses the Python SDK's attribute names in camel
// case (enableRbac, authorizedIpRanges, osSku), ARM GET and templates the
// REST names (enableRBAC, authorizedIPRanges, osSKU), hand-written
// templates anything ARM accepts. The Go SDK's decoders match names
// exactly. A schema, derived once from the SDK's own models by encoding a
// fully populated value, gives the REST spelling of every property so
// that any input can be brought to it before decoding.

// Schema is the shape of one JSON value of an SDK model.
type Schema struct {
	Kind SchemaKind
	// fields, for objects: lower-case name → REST name and shape.
	fields map[string]schemaField
	// Elem is the shape of array items and of map values.
	Elem *Schema
}

type schemaField struct {
	name string
	s    *Schema
}

type SchemaKind int

const (
	SchemaAny SchemaKind = iota // unknown to the SDK: kept as is
	schemaObject
	SchemaMap // free keys, values of one shape
	SchemaArray
	SchemaString
	schemaBool
	schemaNumber
)

// mapSentinel is the key used for maps while deriving the schema.
const mapSentinel = "\x00map"

var (
	ClusterSchema    = sync.OnceValue(func() *Schema { return deriveSchema(reflect.TypeFor[armcontainerservice.ManagedCluster]()) })
	AgentPoolSchema  = sync.OnceValue(func() *Schema { return deriveSchema(reflect.TypeFor[armcontainerservice.AgentPool]()) })
	RegistrySchema   = sync.OnceValue(func() *Schema { return deriveSchema(reflect.TypeFor[armcontainerregistry.Registry]()) })
	DiagnosticSchema = sync.OnceValue(func() *Schema { return deriveSchema(reflect.TypeFor[armmonitor.DiagnosticSettingsResource]()) })
)

func deriveSchema(t reflect.Type) *Schema {
	v := populate(t, map[reflect.Type]bool{})
	b, err := json.Marshal(v.Interface())
	if err != nil {
		panic("azure: deriving schema of " + t.String() + ": " + err.Error())
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		panic(err)
	}
	return fromJSON(doc)
}

// populate builds a value of type t with every field set, so that the
// SDK's MarshalJSON writes every property name.
func populate(t reflect.Type, onStack map[reflect.Type]bool) reflect.Value {
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if t.Elem().Kind() == reflect.Struct && onStack[t.Elem()] {
			return reflect.Zero(t)
		}
		p.Elem().Set(populate(t.Elem(), onStack))
		return p
	case reflect.Struct:
		v := reflect.New(t).Elem()
		if t == reflect.TypeFor[time.Time]() {
			return v
		}
		onStack[t] = true
		defer delete(onStack, t)
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() {
				v.Field(i).Set(populate(f.Type, onStack))
			}
		}
		return v
	case reflect.Slice:
		s := reflect.MakeSlice(t, 1, 1)
		s.Index(0).Set(populate(t.Elem(), onStack))
		return s
	case reflect.Map:
		m := reflect.MakeMap(t)
		m.SetMapIndex(reflect.ValueOf(mapSentinel).Convert(t.Key()), populate(t.Elem(), onStack))
		return m
	case reflect.Interface:
		return reflect.Zero(t)
	}
	return reflect.New(t).Elem()
}

func fromJSON(v any) *Schema {
	switch x := v.(type) {
	case map[string]any:
		if inner, ok := x[mapSentinel]; ok && len(x) == 1 {
			return &Schema{Kind: SchemaMap, Elem: fromJSON(inner)}
		}
		s := &Schema{Kind: schemaObject, fields: make(map[string]schemaField, len(x))}
		for k, fv := range x {
			s.fields[strings.ToLower(k)] = schemaField{name: k, s: fromJSON(fv)}
		}
		return s
	case []any:
		if len(x) == 0 {
			return &Schema{Kind: SchemaArray, Elem: &Schema{}}
		}
		return &Schema{Kind: SchemaArray, Elem: fromJSON(x[0])}
	case string:
		return &Schema{Kind: SchemaString}
	case bool:
		return &Schema{Kind: schemaBool}
	case float64:
		return &Schema{Kind: schemaNumber}
	}
	return &Schema{}
}

// Field returns the REST name and shape of key in an object schema.
func (s *Schema) Field(key string) (string, *Schema, bool) {
	if s == nil || s.Kind != schemaObject {
		return key, nil, false
	}
	f, ok := s.fields[strings.ToLower(key)]
	if !ok {
		return key, nil, false
	}
	return f.name, f.s, true
}

func (k SchemaKind) String() string {
	return [...]string{"any value", "object", "object", "array", "string", "boolean", "number"}[k]
}
