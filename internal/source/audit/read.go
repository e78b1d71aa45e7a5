package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
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

// Handler receives each event read. The event is the reader's: it is
// overwritten by the next one, so a handler that keeps it copies it.
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

// document is every shape a line may have, decoded in one pass: an Event
// (the embedded fields), an EventList (Items), an AKS storage-account
// record (Category, Properties) or an Event Hub body (Records).
type document struct {
	Event
	Items      []Event  `json:"items"`
	Records    []record `json:"records"`
	Category   string   `json:"category"`
	Properties *props   `json:"properties"`
}

// record is an AKS diagnostic-settings record.
type record struct {
	Category   string `json:"category"`
	Properties *props `json:"properties"`
}

type props struct {
	Log *string `json:"log"`
}

type decoder struct {
	lim Limits
	doc document
	ev  Event
}

func newDecoder(lim Limits) *decoder { return &decoder{lim: lim} }

func (d *decoder) decode(line []byte, n int, h Handler, bad ProblemHandler) error {
	d.doc = document{}
	if err := json.Unmarshal(line, &d.doc); err != nil {
		bad(&Error{Position{n, -1}, "not an audit event, EventList or AKS diagnostic record: " + jsonError(err)})
		return nil
	}
	doc := &d.doc
	switch {
	case doc.Kind == "EventList":
		if doc.APIVersion != APIVersion {
			bad(&Error{Position{n, -1}, fmt.Sprintf("EventList of apiVersion %q: only %s is read", doc.APIVersion, APIVersion)})
			return nil
		}
		if len(doc.Items) > d.lim.MaxEvents {
			bad(&Error{Position{n, -1}, fmt.Sprintf("EventList of %d events: more than %d, skipped", len(doc.Items), d.lim.MaxEvents)})
			return nil
		}
		for i := range doc.Items {
			// The API server's webhook and log backends write a list's
			// items without kind and apiVersion: the list names them.
			if it := &doc.Items[i]; it.Kind == "" && it.APIVersion == "" {
				it.Kind, it.APIVersion = "Event", APIVersion
			}
			if err := d.emit(&doc.Items[i], Position{n, i}, h, bad); err != nil {
				return err
			}
		}
	case doc.Records != nil:
		if len(doc.Records) > d.lim.MaxEvents {
			bad(&Error{Position{n, -1}, fmt.Sprintf("body of %d records: more than %d, skipped", len(doc.Records), d.lim.MaxEvents)})
			return nil
		}
		for i := range doc.Records {
			r := &doc.Records[i]
			if err := d.record(r.Category, r.Properties, Position{n, i}, h, bad); err != nil {
				return err
			}
		}
	case doc.Properties != nil || doc.Category != "":
		return d.record(doc.Category, doc.Properties, Position{n, -1}, h, bad)
	default:
		return d.emit(&doc.Event, Position{n, -1}, h, bad)
	}
	return nil
}

// record reads the event an AKS record carries as a JSON string.
func (d *decoder) record(category string, p *props, pos Position, h Handler, bad ProblemHandler) error {
	if category != "kube-audit" && category != "kube-audit-admin" {
		bad(&Error{pos, fmt.Sprintf("AKS diagnostic record of category %q: only kube-audit and kube-audit-admin hold audit events", printable(category))})
		return nil
	}
	if p == nil || p.Log == nil {
		bad(&Error{pos, "AKS diagnostic record without properties.log"})
		return nil
	}
	d.ev = Event{}
	if err := json.Unmarshal([]byte(*p.Log), &d.ev); err != nil {
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
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %s: want %s, got JSON %s", printable(strings.TrimPrefix(te.Field, "Event.")), te.Type, te.Value)
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
