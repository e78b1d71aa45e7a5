// Package schematest validates JSON reports against the published schema,
// docs/report.schema.json, for the tests of every package that produces a
// report. Only tests import it.
package schematest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// URL is the schema's $id.
const URL = "https://bulwark.dev/report/v1/schema.json"

// Path is the schema file in the source tree.
func Path() string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", "..", "..", "docs", "report.schema.json")
}

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	data, err := os.ReadFile(Path())
	if err != nil {
		return nil, err
	}
	return Compile(data)
})

// Compile compiles a schema document (checked against the 2020-12
// metaschema on the way).
func Compile(data []byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(URL, doc); err != nil {
		return nil, err
	}
	return c.Compile(URL)
}

// Validate checks one JSON report against docs/report.schema.json.
func Validate(report []byte) error {
	sch, err := compiled()
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(report))
	if err != nil {
		return fmt.Errorf("report is not JSON: %w", err)
	}
	return sch.Validate(inst)
}
