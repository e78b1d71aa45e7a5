package azmodel

import "fmt"

// Limits bound the work of one run over every input, so that a hostile
// template (nested copy loops, a concat that doubles a string forty
// times, range() with a huge count, a chain of variables a thousand deep)
// or an input of many small values ends with an error naming the limit,
// not with the machine's memory. They are per run, not per document: a
// thousand files each just under a limit are stopped too.
type Limits struct {
	// Values is the number of JSON values (objects, arrays, scalars) read
	// from all inputs.
	Values int64
	// Steps is the number of template values and expressions evaluated.
	Steps int64
	// Bytes is the size of what template functions produce (strings,
	// array items, object members), counted as they are produced.
	Bytes int64
	// Copies is the number of copy-loop iterations, resources and
	// properties together.
	Copies int64
	// Depth is how deeply evaluation may nest: template values, function
	// calls and the variables and parameters they refer to, together.
	Depth int
}

// DefaultLimits are far above what real templates, az output and plans
// of large estates need (docs/limits.md has the measurements).
var DefaultLimits = Limits{
	Values: 2_000_000,
	Steps:  20_000_000,
	Bytes:  16 << 20,
	Copies: 10_000,
	Depth:  2_000,
}

func (l Limits) orDefault() Limits {
	d := DefaultLimits
	if l.Values > 0 {
		d.Values = l.Values
	}
	if l.Steps > 0 {
		d.Steps = l.Steps
	}
	if l.Bytes > 0 {
		d.Bytes = l.Bytes
	}
	if l.Copies > 0 {
		d.Copies = l.Copies
	}
	if l.Depth > 0 {
		d.Depth = l.Depth
	}
	return d
}

// Budget counts a run's work against its Limits. The first limit reached
// stops the document being read by a panic carrying a LimitError, which
// package azure (loadFile) turns into an input error at the line being
// evaluated: unwinding a deep evaluation by hand at every call would cost more code
// than the evaluator itself.
type Budget struct {
	lim                          Limits
	values, steps, bytes, copies int64
	depth                        int
	// Line is the input line being read or evaluated, for the error.
	Line int
	// Spent is set once a limit was reached: later documents are not read.
	Spent *LimitError
}

func NewBudget(l Limits) *Budget { return &Budget{lim: l.orDefault()} }

// Remaining is how many bytes may still be produced.
func (b *Budget) Remaining() int64 {
	if b == nil {
		return 1 << 62
	}
	return b.lim.Bytes - b.bytes
}

// LimitError is a limit reached at a line of a file.
type LimitError struct {
	Line int
	Msg  string
}

func (b *Budget) fail(format string, args ...any) {
	e := &LimitError{Line: b.Line, Msg: fmt.Sprintf(format, args...)}
	b.Spent = e
	panic(e)
}

func (b *Budget) At(line int) {
	if b != nil && line > 0 {
		b.Line = line
	}
}

func (b *Budget) addValues(n int64) {
	if b == nil {
		return
	}
	if b.values += n; b.values > b.lim.Values {
		b.fail("more than %d JSON values in the inputs of one run (limit)", b.lim.Values)
	}
}

func (b *Budget) Step() {
	if b == nil {
		return
	}
	if b.steps++; b.steps > b.lim.Steps {
		b.fail("template evaluation takes more than %d steps (limit): copy loops or expressions multiply", b.lim.Steps)
	}
}

func (b *Budget) Copy(n int64) {
	if b == nil {
		return
	}
	if b.copies += n; b.copies > b.lim.Copies {
		b.fail("more than %d copy-loop iterations in one run (limit): nested copy loops multiply", b.lim.Copies)
	}
}

// Grow charges n bytes about to be produced; called before allocating,
// so that one huge result is refused before it exists.
func (b *Budget) Grow(n int64) {
	if b == nil {
		return
	}
	if n < 0 || b.bytes+n > b.lim.Bytes {
		b.fail("template functions produce more than %d bytes (limit): concat, replace, format or range results grow without bound", b.lim.Bytes)
	}
	b.bytes += n
}

func (b *Budget) Enter() {
	if b == nil {
		return
	}
	if b.depth++; b.depth > b.lim.Depth {
		b.fail("template evaluation nested more than %d levels deep (limit): values, calls and the variables they refer to", b.lim.Depth)
	}
}

func (b *Budget) Leave() {
	if b != nil {
		b.depth--
	}
}

// wrapper is a value that stands for another (a secret stands for what
// it hides): it costs what the value it wraps costs.
type wrapper interface{ Wrapped() any }

// SizeOf is what a value costs, counted up to limit: string bytes, 16
// bytes per array item and object member. Values built from shared parts
// (createArray(x, x)) count every use, as their JSON would.
func SizeOf(v any, limit int64) int64 {
	var n int64
	var walk func(any)
	walk = func(v any) {
		if n > limit {
			return
		}
		switch x := v.(type) {
		case string:
			n += int64(len(x))
		case wrapper:
			walk(x.Wrapped())
		case []any:
			n += 16 * int64(len(x))
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				n += 16 + int64(len(k))
				walk(e)
			}
		default:
			n += 8
		}
	}
	walk(v)
	return n
}

// Charge counts a function's result.
func (b *Budget) Charge(v any) {
	if b == nil {
		return
	}
	b.Grow(SizeOf(v, b.lim.Bytes-b.bytes+1))
}
