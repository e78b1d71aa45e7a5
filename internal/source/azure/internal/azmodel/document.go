package azmodel

import (
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// Result is what Load found.
type Result struct {
	// Objects are the clusters and registries, each an inventory object
	// whose Typed is *aksmodel.Cluster or *aksmodel.Registry.
	Objects   []*inventory.Object
	Files     int
	Documents int
	Skipped   []Skipped
	Errors    []*Error
	// Warnings are things to know about the input that do not stop it
	// being checked (an agent pool whose cluster is not in the input).
	Warnings []string
	// Offered are the Kubernetes minor versions each region offers, by
	// lower-case location; live scans only.
	Offered map[string]map[string]aksmodel.Offered
}

// Skipped is a document that is not an input Bulwark checks.
type Skipped struct {
	File   string
	Line   int
	Reason string
}

// Error is input that could not be read or decoded.
type Error struct {
	File string
	Line int
	// Resource is the ARM id or API path a live read failed on.
	Resource string
	Msg      string
}

func (e *Error) Error() string {
	if e.File == "" {
		return fmt.Sprintf("%s: %s", e.Resource, e.Msg)
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

func Has(m map[string]any, key string) bool {
	_, ok := aksmodel.Lookup(m, key)
	return ok
}

func LookupString(m map[string]any, keys ...string) (string, bool) {
	v, ok := aksmodel.Lookup(m, keys...)
	s, isStr := v.(string)
	return s, ok && isStr
}

// Document is one parsed input file.
type Document struct {
	File string
	// Root is the syntax tree of templates only.
	Root  *yaml.Node
	At    Pos
	Value any
	Pm    *PosIndex
	// Budget is the run's, shared by every document.
	Budget *Budget
}

// PosOf returns the position of a document path.
func (d *Document) PosOf(segs []string) Pos {
	if p, ok := d.Pm.Get(segs); ok {
		return p
	}
	return d.At
}

func FileErr(file string, err error) *Error {
	if le, ok := err.(*lineError); ok {
		return &Error{File: file, Line: le.line, Msg: le.msg}
	}
	return &Error{File: file, Msg: err.Error()}
}
