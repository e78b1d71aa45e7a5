package audit

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// Limits bound what one input may cost.
type Limits struct {
	// MaxLine is the longest line (one event, EventList or AKS record
	// body) read; a longer one is an error and is skipped.
	MaxLine int
	// MaxEvents is the most events one line (an EventList, an Event Hub
	// body) may hold.
	MaxEvents int
}

// DefaultLimits fit the API server's own bounds: its webhook batches
// hold at most 400 events by default (--audit-webhook-batch-max-size),
// an Event Hub message at most 1 MB (standard tier) and a RequestResponse
// event carries at most the API server's request limit (3 MiB) twice.
var DefaultLimits = Limits{MaxLine: 8 << 20, MaxEvents: 10000}

// Position says where an event was read: the line of the input and,
// inside an EventList or an Event Hub body, the index of the item.
type Position struct {
	Line  int
	Index int // -1 when the line is the event itself
}

func (p Position) String() string {
	if p.Index < 0 {
		return fmt.Sprintf("line %d", p.Line)
	}
	return fmt.Sprintf("line %d, item %d", p.Line, p.Index)
}

// Error is an input problem at a position; reading goes on after it.
type Error struct {
	Pos Position
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Handler receives each event read. The event is the reader's: it and
// what it points to (slices, maps, ObjectRef) are overwritten by the
// events of the next line, so a handler that keeps any of it copies it.
// An error from the handler stops the reading and is returned.
type Handler func(ev *Event, pos Position) error

// ProblemHandler receives each input problem; reading goes on.
type ProblemHandler func(*Error)

// Read reads audit JSON lines from r until EOF, calling h for every event
// and bad for every line or item that is not one (blank lines are
// skipped). It returns the first read error of r or of h.
func Read(r io.Reader, lim Limits, h Handler, bad ProblemHandler) error {
	br := bufio.NewReaderSize(r, 64<<10)
	d := newDecoder(lim)
	var line []byte
	for n := 1; ; n++ {
		var tooLong bool
		line, tooLong = line[:0], false
		var err error
		for {
			var chunk []byte
			chunk, err = br.ReadSlice('\n')
			if !tooLong {
				if len(line)+len(chunk) > lim.MaxLine {
					tooLong, line = true, line[:0]
				} else {
					line = append(line, chunk...)
				}
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				break
			}
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		switch {
		case tooLong:
			bad(&Error{Position{n, -1}, fmt.Sprintf("line longer than %d bytes: skipped", lim.MaxLine)})
		case len(bytes.TrimSpace(line)) > 0:
			if herr := d.decode(line, n, h, bad); herr != nil {
				return herr
			}
		}
		if err != nil { // io.EOF
			return nil
		}
	}
}

// Decode reads one JSON document holding events (an Event, an EventList,
// an AKS record or Event Hub body): the body of an audit webhook request.
func Decode(body []byte, lim Limits, h Handler, bad ProblemHandler) error {
	if len(body) > lim.MaxLine {
		bad(&Error{Position{1, -1}, fmt.Sprintf("body longer than %d bytes", lim.MaxLine)})
		return nil
	}
	return newDecoder(lim).decode(body, 1, h, bad)
}

// A line is an Event, an EventList (items), an AKS storage-account
// record (category, properties.log) or an Event Hub body (records),
// read in one pass: the members of all shapes are collected, and the
// shape is decided once the object is read, as its members may come in
// any order.
type decoder struct {
	lim   Limits
	f     fast
	ev    Event
	items []Event
	// nItems counts the items past MaxEvents too (skipped unread).
	nItems   int
	records  []record
	nRecords int
	// top is the top-level record's (category, properties.log).
	top record
	// sawItems and sawRecords: the member was an array, not null.
	sawItems, sawRecords bool
}

// record is an AKS diagnostic-settings record; log is the JSON text of
// properties.log (quoted), unread until the record is emitted.
type record struct {
	category      string
	props, hasLog bool
	log           []byte
}

func newDecoder(lim Limits) *decoder { return &decoder{lim: lim} }

func (d *decoder) decode(line []byte, n int, h Handler, bad ProblemHandler) error {
	if err := d.read(line); err != nil {
		bad(&Error{Position{n, -1}, "not an audit event, EventList or AKS diagnostic record: " + jsonError(err)})
		return nil
	}
	switch {
	case d.ev.Kind == "EventList":
		if d.ev.APIVersion != APIVersion {
			bad(&Error{Position{n, -1}, fmt.Sprintf("EventList of apiVersion %q: only %s is read", printable(d.ev.APIVersion), APIVersion)})
			return nil
		}
		if d.nItems > d.lim.MaxEvents {
			bad(&Error{Position{n, -1}, fmt.Sprintf("EventList of %d events: more than %d, skipped", d.nItems, d.lim.MaxEvents)})
			return nil
		}
		for i := range d.items {
			// The API server's webhook and log backends write a list's
			// items without kind and apiVersion: the list names them.
			if it := &d.items[i]; it.Kind == "" && it.APIVersion == "" {
				it.Kind, it.APIVersion = "Event", APIVersion
			}
			if err := d.emit(&d.items[i], Position{n, i}, h, bad); err != nil {
				return err
			}
		}
	case d.sawRecords:
		if d.nRecords > d.lim.MaxEvents {
			bad(&Error{Position{n, -1}, fmt.Sprintf("body of %d records: more than %d, skipped", d.nRecords, d.lim.MaxEvents)})
			return nil
		}
		for i := range d.records {
			if err := d.record(&d.records[i], Position{n, i}, h, bad); err != nil {
				return err
			}
		}
	case d.top.props || d.top.category != "":
		return d.record(&d.top, Position{n, -1}, h, bad)
	default:
		return d.emit(&d.ev, Position{n, -1}, h, bad)
	}
	return nil
}

// read decodes one line's members.
func (d *decoder) read(line []byte) error {
	d.items, d.nItems, d.records, d.nRecords = d.items[:0], 0, d.records[:0], 0
	d.top, d.sawItems, d.sawRecords = record{}, false, false
	d.ev = Event{}
	f := &d.f
	f.reset(line)
	if k := f.peek(); k != '{' && k != 0 {
		return &typeError{"", "object", k}
	}
	err := f.object("", func(name []byte) error {
		switch string(name) {
		case "items":
			return d.list("items", &d.sawItems, func() error {
				if d.nItems++; d.nItems > d.lim.MaxEvents {
					return f.skip()
				}
				d.items = append(d.items, Event{})
				return f.event(&d.items[len(d.items)-1])
			})
		case "records":
			return d.list("records", &d.sawRecords, func() error {
				if d.nRecords++; d.nRecords > d.lim.MaxEvents {
					return f.skip()
				}
				d.records = append(d.records, record{})
				return d.recordMembers("records", &d.records[len(d.records)-1])
			})
		case "category":
			var err error
			d.top.category, err = f.str("category")
			return err
		case "properties":
			return d.properties("properties", &d.top)
		}
		return f.eventMember(&d.ev, name)
	})
	if err != nil {
		return err
	}
	return f.end()
}

// list reads an array (null is none), calling item before each element.
func (d *decoder) list(field string, saw *bool, item func() error) error {
	f := &d.f
	if ok, err := f.null(); ok || err != nil {
		*saw = false
		return err
	}
	if err := f.open('[', field, "array"); err != nil {
		return err
	}
	*saw = true
	for f.peek() != ']' {
		if err := item(); err != nil {
			return err
		}
	}
	_, err := f.dec.ReadToken()
	return err
}

func (d *decoder) recordMembers(field string, r *record) error {
	f := &d.f
	return f.object(field, func(name []byte) error {
		switch string(name) {
		case "category":
			var err error
			r.category, err = f.str(field + ".category")
			return err
		case "properties":
			return d.properties(field+".properties", r)
		}
		return f.skip()
	})
}

func (d *decoder) properties(field string, r *record) error {
	f := &d.f
	if ok, err := f.null(); ok || err != nil {
		r.props = false
		return err
	}
	r.props = true
	return f.object(field, func(name []byte) error {
		if string(name) != "log" {
			return f.skip()
		}
		switch k := f.peek(); k {
		case 'n':
			r.hasLog, r.log = false, nil
			return f.skip()
		case '"', 0:
			v, err := f.dec.ReadValue()
			r.hasLog, r.log = true, append(r.log[:0], v...)
			return err
		default:
			return &typeError{field + ".log", "string", k}
		}
	})
}

// record reads the event an AKS record carries as a JSON string.
func (d *decoder) record(r *record, pos Position, h Handler, bad ProblemHandler) error {
	if r.category != "kube-audit" && r.category != "kube-audit-admin" {
		bad(&Error{pos, fmt.Sprintf("AKS diagnostic record of category %q: only kube-audit and kube-audit-admin hold audit events", printable(r.category))})
		return nil
	}
	if !r.props || !r.hasLog {
		bad(&Error{pos, "AKS diagnostic record without properties.log"})
		return nil
	}
	log, err := jsontext.AppendUnquote(nil, r.log)
	if err == nil {
		d.f.resetNested(log)
		if err = d.f.event(&d.ev); err == nil {
			err = d.f.end()
		}
	}
	if err != nil {
		bad(&Error{pos, "properties.log is not an audit event: " + jsonError(err)})
		return nil
	}
	return d.emit(&d.ev, pos, h, bad)
}

func (d *decoder) emit(ev *Event, pos Position, h Handler, bad ProblemHandler) error {
	switch {
	case ev.Kind != "Event":
		bad(&Error{pos, fmt.Sprintf("kind %q: want an audit Event, an EventList or an AKS diagnostic record", printable(ev.Kind))})
	case ev.APIVersion != APIVersion:
		bad(&Error{pos, fmt.Sprintf("Event of apiVersion %q: only %s is read", printable(ev.APIVersion), APIVersion)})
	case ev.AuditID == "" || ev.Verb == "" || ev.Stage == "":
		bad(&Error{pos, "Event without auditID, verb or stage"})
	default:
		return h(ev, pos)
	}
	return nil
}

// jsonError keeps the decoder's message short and free of input bytes
// beyond what it quotes.
func jsonError(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "unexpected end of JSON"
	}
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.ByteOffset)
	}
	var te *typeError
	if errors.As(err, &te) {
		return printable(te.Error())
	}
	return printable(err.Error())
}

// printable cuts s to 80 runes and drops control characters: values of
// untrusted input end up in messages a person reads.
func printable(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i >= 80 {
			b.WriteString("…")
			break
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
