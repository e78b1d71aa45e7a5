package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
)

// The reader decodes with jsontext's validating tokenizer and fills the
// Event by hand: reflection-driven encoding/json spent most of the time
// of bulwark detect (a third of the target rate on one core). Only the
// fields of Event are kept; the request and response objects stay raw
// until a detection asks for them (DET-003 on pod creates).

// decodeOptions: the API server writes neither duplicate names nor
// invalid UTF-8, and checking for duplicates costs a table per object;
// like encoding/json, the last of duplicate names wins.
var decodeOptions = jsontext.AllowDuplicateNames(true)

// maxInterned bounds the table of repeated strings (verbs, users,
// groups, resources); past it the table starts over.
const maxInterned = 4096

// typeError is a field of the wrong JSON kind.
type typeError struct {
	field, want string
	got         jsontext.Kind
}

func (e *typeError) Error() string {
	return fmt.Sprintf("field %s: want %s, got JSON %s", e.field, e.want, kindName(e.got))
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "bool"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "null"
}

// fast decodes one JSON document at a time into the decoder's reused
// storage.
type fast struct {
	dec     jsontext.Decoder
	in      bytes.Buffer
	scratch []byte
	interns map[string]string
	arena
}

// arena holds what the events of one line point to, reused by the next
// line: the Handler contract lets an event be overwritten, and a fresh
// annotations map per event cost a seventh of the decoding.
type arena struct {
	maps  []map[string]string
	refs  []*ObjectReference
	stats []*Status
	list  []string
	// used counts of maps, refs and stats.
	nmaps, nrefs, nstats int
}

// reset starts a new line b.
func (f *fast) reset(b []byte) {
	f.in = *bytes.NewBuffer(b)
	f.dec.Reset(&f.in, decodeOptions)
	f.nmaps, f.nrefs, f.nstats, f.list = 0, 0, 0, f.list[:0]
}

// resetNested reads b (an AKS record's log) keeping the line's arena.
func (f *fast) resetNested(b []byte) {
	f.in = *bytes.NewBuffer(b)
	f.dec.Reset(&f.in, decodeOptions)
}

func (a *arena) newMap() map[string]string {
	if a.nmaps == len(a.maps) {
		a.maps = append(a.maps, make(map[string]string, 4))
	}
	m := a.maps[a.nmaps]
	clear(m)
	a.nmaps++
	return m
}

func (a *arena) newRef() *ObjectReference {
	if a.nrefs == len(a.refs) {
		a.refs = append(a.refs, new(ObjectReference))
	}
	r := a.refs[a.nrefs]
	*r = ObjectReference{}
	a.nrefs++
	return r
}

func (a *arena) newStatus() *Status {
	if a.nstats == len(a.stats) {
		a.stats = append(a.stats, new(Status))
	}
	s := a.stats[a.nstats]
	*s = Status{}
	a.nstats++
	return s
}

// maxInternedLen: longer strings are not kept, so the table holds at
// most maxInterned × maxInternedLen bytes whatever the input.
const maxInternedLen = 256

// intern returns b as a string, shared with earlier equal ones.
func (f *fast) intern(b []byte) string {
	if len(b) > maxInternedLen {
		return string(b)
	}
	if s, ok := f.interns[string(b)]; ok {
		return s
	}
	if f.interns == nil || len(f.interns) >= maxInterned {
		f.interns = make(map[string]string, 256)
	}
	s := string(b)
	f.interns[s] = s
	return s
}

// peek returns the kind of the next value; a syntax error surfaces from
// the read that follows.
func (f *fast) peek() jsontext.Kind { return f.dec.PeekKind() }

// null consumes a null and reports whether there was one.
func (f *fast) null() (bool, error) {
	if f.peek() != 'n' {
		return false, nil
	}
	_, err := f.dec.ReadToken()
	return err == nil, err
}

// strBytes reads a string (unquoted, valid until the next read) or null.
func (f *fast) strBytes(field string) ([]byte, error) {
	switch k := f.peek(); k {
	case '"':
	case 'n':
		_, err := f.dec.ReadToken()
		return nil, err
	case 0:
		_, err := f.dec.ReadValue()
		return nil, err
	default:
		return nil, &typeError{field, "string", k}
	}
	v, err := f.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	b := v[1 : len(v)-1]
	if bytes.IndexByte(b, '\\') >= 0 {
		f.scratch, err = jsontext.AppendUnquote(f.scratch[:0], v)
		return f.scratch, err
	}
	return b, nil
}

// str reads a string that repeats across events (interned).
func (f *fast) str(field string) (string, error) {
	b, err := f.strBytes(field)
	if err != nil || len(b) == 0 {
		return "", err
	}
	return f.intern(b), nil
}

// unique reads a string that does not repeat (the audit ID).
func (f *fast) unique(field string) (string, error) {
	b, err := f.strBytes(field)
	return string(b), err
}

// strs reads an array of strings into the arena.
func (f *fast) strs(field string) ([]string, error) {
	if ok, err := f.null(); ok || err != nil {
		return nil, err
	}
	if err := f.open('[', field, "array"); err != nil {
		return nil, err
	}
	start := len(f.list)
	for f.peek() != ']' {
		s, err := f.str(field)
		if err != nil {
			return nil, err
		}
		f.list = append(f.list, s)
	}
	_, err := f.dec.ReadToken()
	if start == len(f.list) {
		return []string{}, err // [] is not null
	}
	return f.list[start:len(f.list):len(f.list)], err
}

// open reads the opening delimiter of an object or array.
func (f *fast) open(delim jsontext.Kind, field, want string) error {
	switch k := f.peek(); k {
	case delim:
		_, err := f.dec.ReadToken()
		return err
	case 0:
		_, err := f.dec.ReadValue()
		return err
	default:
		return &typeError{field, want, k}
	}
}

// object reads an object's members, calling member with each name
// (valid until the next read) positioned before its value, which member
// must consume. null is an empty object.
func (f *fast) object(field string, member func(name []byte) error) error {
	if ok, err := f.null(); ok || err != nil {
		return err
	}
	if err := f.open('{', field, "object"); err != nil {
		return err
	}
	for f.peek() != '}' {
		name, err := f.dec.ReadValue()
		if err != nil {
			return err
		}
		n := name[1 : len(name)-1]
		if bytes.IndexByte(n, '\\') >= 0 {
			if n, err = jsontext.AppendUnquote(nil, name); err != nil {
				return err
			}
		}
		if err := member(n); err != nil {
			return err
		}
	}
	_, err := f.dec.ReadToken()
	return err
}

func (f *fast) skip() error { return f.dec.SkipValue() }

// raw reads any value as a copy of its JSON text (null too, as
// encoding/json keeps it in a RawMessage).
func (f *fast) raw() (json.RawMessage, error) {
	v, err := f.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	return append(json.RawMessage(nil), v...), nil
}

// int32 reads a number that must be a whole int32, as encoding/json does.
func (f *fast) int32(field string) (int32, error) {
	if ok, err := f.null(); ok || err != nil {
		return 0, err
	}
	if k := f.peek(); k != '0' && k != 0 {
		return 0, &typeError{field, "int32", k}
	}
	v, err := f.dec.ReadValue()
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(string(v), 10, 32)
	if err != nil {
		return 0, &typeError{field, "int32", '0'}
	}
	return int32(n), nil
}

// event reads an Event object into ev (zeroed first).
func (f *fast) event(ev *Event) error {
	*ev = Event{}
	return f.object("", func(name []byte) error { return f.eventMember(ev, name) })
}

func (f *fast) eventMember(ev *Event, name []byte) error {
	var err error
	switch string(name) {
	case "kind":
		ev.Kind, err = f.str("kind")
	case "apiVersion":
		ev.APIVersion, err = f.str("apiVersion")
	case "level":
		ev.Level, err = f.str("level")
	case "auditID":
		ev.AuditID, err = f.unique("auditID")
	case "stage":
		ev.Stage, err = f.str("stage")
	case "requestURI":
		ev.RequestURI, err = f.unique("requestURI")
	case "verb":
		ev.Verb, err = f.str("verb")
	case "user":
		err = f.user(&userFields, &ev.User)
	case "impersonatedUser":
		if ok, nerr := f.null(); ok || nerr != nil {
			ev.ImpersonatedUser = nil
			return nerr
		}
		ev.ImpersonatedUser = &UserInfo{}
		err = f.user(&impersonatedFields, ev.ImpersonatedUser)
	case "sourceIPs":
		ev.SourceIPs, err = f.strs("sourceIPs")
	case "userAgent":
		ev.UserAgent, err = f.str("userAgent")
	case "objectRef":
		err = f.objectRef(ev)
	case "responseStatus":
		err = f.status(ev)
	case "requestObject":
		ev.RequestObject, err = f.raw()
	case "responseObject":
		ev.ResponseObject, err = f.raw()
	case "requestReceivedTimestamp":
		err = f.time("requestReceivedTimestamp", &ev.RequestReceivedTimestamp)
	case "stageTimestamp":
		err = f.time("stageTimestamp", &ev.StageTimestamp)
	case "annotations":
		err = f.annotations(ev)
	default:
		err = f.skip()
	}
	return err
}

// userFieldNames name a UserInfo's fields in errors, built once.
type userFieldNames struct{ user, username, uid, groups, extra string }

var (
	userFields         = userFieldNames{"user", "user.username", "user.uid", "user.groups", "user.extra"}
	impersonatedFields = userFieldNames{"impersonatedUser", "impersonatedUser.username", "impersonatedUser.uid", "impersonatedUser.groups", "impersonatedUser.extra"}
)

func (f *fast) user(field *userFieldNames, u *UserInfo) error {
	return f.object(field.user, func(name []byte) error {
		var err error
		switch string(name) {
		case "username":
			u.Username, err = f.str(field.username)
		case "uid":
			u.UID, err = f.unique(field.uid)
		case "groups":
			u.Groups, err = f.strs(field.groups)
		case "extra":
			err = f.object(field.extra, func(k []byte) error {
				key := f.intern(k)
				vs, err := f.strs(field.extra)
				if err == nil {
					if u.Extra == nil {
						u.Extra = map[string][]string{}
					}
					u.Extra[key] = vs
				}
				return err
			})
		default:
			err = f.skip()
		}
		return err
	})
}

func (f *fast) objectRef(ev *Event) error {
	if ok, err := f.null(); ok || err != nil {
		ev.ObjectRef = nil
		return err
	}
	r := f.newRef()
	ev.ObjectRef = r
	return f.object("objectRef", func(name []byte) error {
		var err error
		switch string(name) {
		case "resource":
			r.Resource, err = f.str("objectRef.resource")
		case "namespace":
			r.Namespace, err = f.str("objectRef.namespace")
		case "name":
			r.Name, err = f.str("objectRef.name")
		case "uid":
			r.UID, err = f.unique("objectRef.uid")
		case "apiGroup":
			r.APIGroup, err = f.str("objectRef.apiGroup")
		case "apiVersion":
			r.APIVersion, err = f.str("objectRef.apiVersion")
		case "resourceVersion":
			r.ResourceVersion, err = f.unique("objectRef.resourceVersion")
		case "subresource":
			r.Subresource, err = f.str("objectRef.subresource")
		default:
			err = f.skip()
		}
		return err
	})
}

func (f *fast) status(ev *Event) error {
	if ok, err := f.null(); ok || err != nil {
		ev.ResponseStatus = nil
		return err
	}
	s := f.newStatus()
	ev.ResponseStatus = s
	return f.object("responseStatus", func(name []byte) error {
		var err error
		switch string(name) {
		case "status":
			s.Status, err = f.str("responseStatus.status")
		case "message":
			s.Message, err = f.unique("responseStatus.message")
		case "reason":
			s.Reason, err = f.str("responseStatus.reason")
		case "code":
			s.Code, err = f.int32("responseStatus.code")
		default:
			err = f.skip()
		}
		return err
	})
}

func (f *fast) annotations(ev *Event) error {
	return f.object("annotations", func(k []byte) error {
		key := f.intern(k)
		v, err := f.str("annotations")
		if err == nil {
			if ev.Annotations == nil {
				ev.Annotations = f.newMap()
			}
			ev.Annotations[key] = v
		}
		return err
	})
}

// time reads an RFC 3339 timestamp as time.Time's UnmarshalJSON does;
// null leaves it zero.
func (f *fast) time(field string, t interface{ UnmarshalText([]byte) error }) error {
	b, err := f.strBytes(field)
	if err != nil || b == nil {
		return err
	}
	if err := t.UnmarshalText(b); err != nil {
		return &typeError{field, "an RFC 3339 time", '"'}
	}
	return nil
}

// end checks that nothing but whitespace follows the document.
func (f *fast) end() error {
	if _, err := f.dec.ReadToken(); !errors.Is(err, io.EOF) {
		if err == nil {
			err = &jsontext.SyntacticError{ByteOffset: f.dec.InputOffset(), Err: errors.New("data after the top-level value")}
		}
		return err
	}
	return nil
}
