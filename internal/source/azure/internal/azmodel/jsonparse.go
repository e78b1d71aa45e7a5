package azmodel

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsonParser reads one JSON value into plain Go values (map[string]any,
// []any, string, bool, float64, nil), recording the line and column where
// every member and item starts in a position index. It keeps no syntax
// tree: az output and Terraform plans, the large inputs, cost their
// values and positions only. Templates, whose evaluator walks a tree,
// are parsed again into one (parseOne).
type jsonParser struct {
	data      []byte
	i         int
	line, col int // of data[i]
	pm        *PosIndex
}

func (p *jsonParser) errf(format string, args ...any) error {
	return &lineError{p.line, "invalid JSON: " + fmt.Sprintf(format, args...)}
}

func (p *jsonParser) advance() {
	if p.data[p.i] == '\n' {
		p.line, p.col = p.line+1, 1
	} else {
		p.col++
	}
	p.i++
}

func (p *jsonParser) space() {
	for p.i < len(p.data) && isJSONSpace(p.data[p.i]) {
		p.advance()
	}
}

// value parses the value at p.i, recording positions below node at.
func (p *jsonParser) value(at int32, depth int) (any, error) {
	if depth > MaxDepth {
		return nil, &lineError{p.line, "document nested too deeply"}
	}
	p.space()
	if p.i >= len(p.data) {
		return nil, p.errf("unexpected end of the document")
	}
	switch c := p.data[p.i]; {
	case c == '{':
		p.advance()
		m := map[string]any{}
		p.space()
		if p.i < len(p.data) && p.data[p.i] == '}' {
			p.advance()
			return m, nil
		}
		for {
			p.space()
			if p.i >= len(p.data) || p.data[p.i] != '"' {
				return nil, p.errf("want a quoted member name")
			}
			kl, kc := p.line, p.col
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			if _, dup := m[k]; dup {
				return nil, &lineError{kl, fmt.Sprintf("duplicate key %q", k)}
			}
			p.space()
			if p.i >= len(p.data) || p.data[p.i] != ':' {
				return nil, p.errf("want ':' after member name %q", Truncate(k, 40))
			}
			p.advance()
			var child int32
			if p.pm != nil {
				child = p.pm.Child(at, k)
				p.pm.SetAt(child, Pos{kl, kc})
			}
			v, err := p.value(child, depth+1)
			if err != nil {
				return nil, err
			}
			m[k] = v
			p.space()
			if p.i >= len(p.data) {
				return nil, p.errf("unexpected end of the document: want ',' or '}'")
			}
			switch p.data[p.i] {
			case ',':
				p.advance()
			case '}':
				p.advance()
				return m, nil
			default:
				return nil, p.errf("did not find expected ',' or '}'")
			}
		}
	case c == '[':
		p.advance()
		s := []any{}
		p.space()
		if p.i < len(p.data) && p.data[p.i] == ']' {
			p.advance()
			return s, nil
		}
		for n := 0; ; n++ {
			p.space()
			var child int32
			if p.pm != nil {
				child = p.pm.Item(at, n)
				p.pm.SetAt(child, Pos{p.line, p.col})
			}
			v, err := p.value(child, depth+1)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
			p.space()
			if p.i >= len(p.data) {
				return nil, p.errf("unexpected end of the document: want ',' or ']'")
			}
			switch p.data[p.i] {
			case ',':
				p.advance()
			case ']':
				p.advance()
				return s, nil
			default:
				return nil, p.errf("did not find expected ',' or ']'")
			}
		}
	case c == '"':
		return p.str()
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		for p.i < len(p.data) && isNumberByte(p.data[p.i]) {
			p.advance()
		}
		lit := string(p.data[start:p.i])
		f, err := strconv.ParseFloat(lit, 64)
		if err != nil || math.IsInf(f, 0) || !json.Valid(p.data[start:p.i]) {
			return nil, &lineError{p.line, fmt.Sprintf("bad number %q", Truncate(lit, 40))}
		}
		return f, nil
	default:
		for _, w := range []struct {
			lit string
			v   any
		}{{"true", true}, {"false", false}, {"null", nil}} {
			if len(p.data)-p.i >= len(w.lit) && string(p.data[p.i:p.i+len(w.lit)]) == w.lit {
				for range w.lit {
					p.advance()
				}
				return w.v, nil
			}
		}
		r, _ := utf8.DecodeRune(p.data[p.i:])
		return nil, p.errf("unexpected %q", r)
	}
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// str parses a string at p.i (its opening quote).
func (p *jsonParser) str() (string, error) {
	start := p.i
	p.advance()
	escaped := false
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c < 0x20:
			return "", p.errf("control character in a string")
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == '"':
			p.advance()
			raw := p.data[start:p.i]
			if !escaped && !hasByte(raw[1:len(raw)-1], '\\') {
				return strings.ToValidUTF8(string(raw[1:len(raw)-1]), "\uFFFD"), nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", p.errf("bad string: %v", err)
			}
			return s, nil
		}
		p.advance()
	}
	return "", p.errf("unterminated string")
}

func hasByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// JSONDoc is one parsed JSON document of a file.
type JSONDoc struct {
	Value any
	Pm    *PosIndex
	At    Pos
	// Data is the document's text, which starts at line and col of the
	// file, for the template evaluator's tree.
	Data      []byte
	Line, Col int
}
