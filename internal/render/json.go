package render

import (
	"bufio"
	"encoding/json"
	"io"
	"reflect"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// JSON writes the report as one indented JSON document in the layout
// described by docs/json-report.md (schemaVersion bulwark.dev/report/v1).
//
// The bytes are those of json.MarshalIndent(rep, "", "  "), but findings
// are encoded one at a time into a buffered writer: a large scan's report
// runs to tens of megabytes, and building it whole in memory (twice, for
// the indentation) cost more time and memory than the scan itself.
func JSON(w io.Writer, rep *report.Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("{"); err != nil {
		return err
	}
	v := reflect.ValueOf(rep).Elem()
	t := v.Type()
	first := true
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("json")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		if !first {
			bw.WriteString(",")
		}
		first = false
		bw.WriteString("\n  ")
		key, _ := json.Marshal(name)
		bw.Write(key)
		bw.WriteString(": ")
		if err := writeIndented(bw, v.Field(i)); err != nil {
			return err
		}
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// writeIndented writes one top-level value at depth one. Slices are written
// element by element so that no more than one element is in memory at once.
func writeIndented(bw *bufio.Writer, v reflect.Value) error {
	if v.Kind() == reflect.Slice && !v.IsNil() && v.Len() > 0 {
		bw.WriteString("[")
		for i := range v.Len() {
			if i > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n    ")
			b, err := marshalIndent(v.Index(i).Interface(), "    ")
			if err != nil {
				return err
			}
			bw.Write(b)
		}
		bw.WriteString("\n  ]")
		return nil
	}
	b, err := marshalIndent(v.Interface(), "  ")
	if err != nil {
		return err
	}
	_, err = bw.Write(b)
	return err
}

func marshalIndent(v any, prefix string) ([]byte, error) {
	var buf jsonBuffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b := buf.b
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	return b, nil
}

type jsonBuffer struct{ b []byte }

func (j *jsonBuffer) Write(p []byte) (int, error) { j.b = append(j.b, p...); return len(p), nil }
