package render

import (
	"bufio"
	"encoding/json"
	"io"
	"reflect"
	"strings"

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
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		if opts == "omitempty" && v.Field(i).IsZero() || opts == "omitempty" && v.Field(i).Kind() == reflect.Slice && v.Field(i).Len() == 0 {
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
// element by element so that no more than one element is in memory at once;
// one encoder and buffer serve every element (the encoder keeps its
// indentation buffer between calls), which spares an allocation or three
// per finding.
func writeIndented(bw *bufio.Writer, v reflect.Value) error {
	if v.Kind() == reflect.Slice && !v.IsNil() && v.Len() > 0 {
		enc := newIndenter("    ")
		bw.WriteString("[")
		for i := range v.Len() {
			if i > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n    ")
			b, err := enc.encode(v.Index(i).Interface())
			if err != nil {
				return err
			}
			bw.Write(b)
		}
		bw.WriteString("\n  ]")
		return nil
	}
	b, err := newIndenter("  ").encode(v.Interface())
	if err != nil {
		return err
	}
	_, err = bw.Write(b)
	return err
}

// indenter encodes values as json.MarshalIndent would at one depth, without
// HTML escaping, reusing its buffers. The encoder writes compact JSON and
// appendIndent lays it out: encoding/json's own indentation runs its
// validating scanner over every byte again, which took most of the time
// spent writing a large report.
type indenter struct {
	prefix string
	buf    jsonBuffer
	out    []byte
	enc    *json.Encoder
}

func newIndenter(prefix string) *indenter {
	in := &indenter{prefix: prefix}
	in.enc = json.NewEncoder(&in.buf)
	in.enc.SetEscapeHTML(false)
	return in
}

// encode returns the encoding of v; it is valid until the next call.
func (in *indenter) encode(v any) ([]byte, error) {
	in.buf.b = in.buf.b[:0]
	if err := in.enc.Encode(v); err != nil {
		return nil, err
	}
	b := in.buf.b
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	in.out = appendIndent(in.out[:0], b, in.prefix, "  ")
	return in.out, nil
}

// appendIndent appends src, compact JSON as encoding/json writes it (no
// space outside strings), indented byte for byte as json.Indent would:
// a line break, prefix and one indent per level after every opening
// bracket and comma, ": " after a key, and {} and [] kept whole.
func appendIndent(dst, src []byte, prefix, indent string) []byte {
	depth := 0
	open := false // an opening bracket waits for its first element
	// Line breaks up to 16 levels deep are cut from one string.
	breaks := "\n" + prefix + strings.Repeat(indent, 16)
	newline := func() {
		if n := 1 + len(prefix) + depth*len(indent); depth <= 16 {
			dst = append(dst, breaks[:n]...)
			return
		}
		dst = append(dst, breaks...)
		for range depth - 16 {
			dst = append(dst, indent...)
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if open && c != '}' && c != ']' {
			open = false
			depth++
			newline()
		}
		switch c {
		case '"':
			// Copy the string whole: its brackets and commas are text.
			j := i + 1
			for ; j < len(src); j++ {
				if src[j] == '\\' {
					j++
				} else if src[j] == '"' {
					break
				}
			}
			j = min(j, len(src)-1)
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			open = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, ':', ' ')
		case '}', ']':
			if open {
				open = false
			} else {
				depth--
				newline()
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

type jsonBuffer struct{ b []byte }

func (j *jsonBuffer) Write(p []byte) (int, error) { j.b = append(j.b, p...); return len(p), nil }
