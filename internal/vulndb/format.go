package vulndb

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/bulwark-sec/bulwark/internal/vuln"
)

// Data file layout (all integers little endian):
//
//	header (64 bytes)
//	   0  magic "BWVULNDB"
//	   8  u32 format version (1)
//	  12  u32 N, number of records
//	  16  u32 K, number of index keys (package names)
//	  20  u32 CRC-32C of: header with this field zeroed, ecosystem, tables
//	  24  u32 length of the ecosystem name
//	  28  u32 reserved, 0
//	  32  u64 records offset (= 64 + ecosystem length)
//	  40  u64 records length
//	  48  u64 tables offset (= records offset + records length)
//	  56  u64 tables length (the file ends right after the tables)
//	ecosystem name, e.g. "Debian"
//	records: N compact entries back to back (see encodeRecord)
//	tables:
//	  (N+1) u32  record start offsets relative to the records offset;
//	             [0] = 0, [N] = records length, non-decreasing
//	  (K+1) u32  key start offsets relative to the key blob; [K] = blob length
//	  key blob:  per key, sorted by name without duplicates:
//	             uvarint len, name, uvarint count, count uvarint record
//	             ordinals (first absolute, then deltas >= 1)
//
// Open reads only the header and the tables (the CRC covers them), so its
// cost does not grow with the size of the advisories; records are read and
// decoded when a query needs them. Offsets are 32 bits, which bounds the
// records of one ecosystem to 4 GiB - two orders of magnitude above any OSV
// export.
const (
	fileMagic = "BWVULNDB"
	// fileVersion 2 added the Go platforms of an affected block.
	fileVersion   = 2
	headerSize    = 64
	maxEcoNameLen = 64
	// maxSummary bounds the stored summary: reports show one line, and
	// OSV "details" (often kilobytes) are not stored at all.
	maxSummary = 240
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Range event kinds in a record.
const (
	evIntroduced byte = iota
	evFixed
	evLastAffected
	evLimit
	numEventKinds
)

// record is the compact form of one advisory within one ecosystem: exactly
// what vuln.DB.Match reads, nothing else.
type record struct {
	ID         string
	Aliases    []string
	Summary    string
	Severity   []vuln.Severity
	DBSeverity string // database_specific.severity of the entry
	Affected   []recAffected
}

type recAffected struct {
	Ecosystem   string // as written, e.g. "Debian:12"
	Name        string
	Severity    []vuln.Severity
	DBSeverity  string // database_specific.severity of the affected block
	EcoSeverity string // ecosystem_specific.severity (Debian urgency, ...)
	// Platforms are the Go platforms the advisory is limited to, one per
	// ecosystem_specific.imports[] element: "goos,.../goarch,..." (a side
	// left empty allows any); nil when it applies everywhere.
	Platforms []string
	Versions  []string
	Ranges    []recRange
}

type recRange struct {
	Type   string // SEMVER or ECOSYSTEM; GIT ranges are dropped at import
	Events []recEvent
}

type recEvent struct {
	Kind  byte
	Value string
}

// toEntry rebuilds the vuln.Entry the matcher indexes. The severity texts go
// back into database_specific / ecosystem_specific objects because that is
// where vuln.DB looks for them.
func (r *record) toEntry() *vuln.Entry {
	e := &vuln.Entry{
		ID:               r.ID,
		Aliases:          r.Aliases,
		Summary:          r.Summary,
		Severity:         r.Severity,
		DatabaseSpecific: severityObject(r.DBSeverity),
		Affected:         make([]vuln.Affected, len(r.Affected)),
	}
	for i := range r.Affected {
		ra := &r.Affected[i]
		a := &e.Affected[i]
		a.Package.Ecosystem = ra.Ecosystem
		a.Package.Name = ra.Name
		a.Severity = ra.Severity
		a.Versions = ra.Versions
		a.DatabaseSpecific = severityObject(ra.DBSeverity)
		a.EcosystemSpecific = ecosystemSpecific(ra.EcoSeverity, ra.Platforms)
		if len(ra.Ranges) > 0 {
			a.Ranges = make([]vuln.Range, len(ra.Ranges))
		}
		for j, rg := range ra.Ranges {
			evs := make([]vuln.Event, len(rg.Events))
			for k, ev := range rg.Events {
				switch ev.Kind {
				case evIntroduced:
					evs[k].Introduced = ev.Value
				case evFixed:
					evs[k].Fixed = ev.Value
				case evLastAffected:
					evs[k].LastAffected = ev.Value
				case evLimit:
					evs[k].Limit = ev.Value
				}
			}
			a.Ranges[j] = vuln.Range{Type: rg.Type, Events: evs}
		}
	}
	return e
}

func severityObject(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	b, _ := json.Marshal(struct {
		Severity string `json:"severity"`
	}{s})
	return b
}

// ecosystemSpecific rebuilds the ecosystem_specific members the matcher
// reads: the severity text and the Go platforms of the imports.
func ecosystemSpecific(sev string, platforms []string) json.RawMessage {
	if len(platforms) == 0 {
		return severityObject(sev)
	}
	type imp struct {
		GOOS   []string `json:"goos,omitempty"`
		GOARCH []string `json:"goarch,omitempty"`
	}
	v := struct {
		Severity string `json:"severity,omitempty"`
		Imports  []imp  `json:"imports"`
	}{Severity: sev}
	for _, p := range platforms {
		goos, goarch, _ := strings.Cut(p, "/")
		var i imp
		if goos != "" {
			i.GOOS = strings.Split(goos, ",")
		}
		if goarch != "" {
			i.GOARCH = strings.Split(goarch, ",")
		}
		v.Imports = append(v.Imports, i)
	}
	b, _ := json.Marshal(v)
	return b
}

// goPlatforms reads the platform limits of ecosystem_specific.imports
// (see recAffected.Platforms).
func goPlatforms(raw json.RawMessage) []string {
	var out []string
	for _, p := range vuln.GoPlatforms(raw) {
		out = append(out, strings.Join(p[0], ",")+"/"+strings.Join(p[1], ","))
	}
	return out
}

// severityText extracts a string "severity" member the way vuln.DB does;
// anything else is dropped because the matcher would ignore it.
func severityText(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var ds struct {
		Severity json.RawMessage `json:"severity"`
	}
	if json.Unmarshal(raw, &ds) != nil || len(ds.Severity) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(ds.Severity, &s) != nil {
		return ""
	}
	return s
}

func truncateUTF8(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimRight(s[:cut], " \t\r\n") + "…"
}

// names returns the distinct package names of r, sorted.
func (r *record) names() []string {
	out := make([]string, 0, len(r.Affected))
	for _, a := range r.Affected {
		out = append(out, a.Name)
	}
	sort.Strings(out)
	j := 0
	for i, n := range out {
		if i == 0 || n != out[j-1] {
			out[j] = n
			j++
		}
	}
	return out[:j]
}

// --- record encoding ---

type encoder struct{ b []byte }

func (e *encoder) uv(v uint64)  { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) str(s string) { e.uv(uint64(len(s))); e.b = append(e.b, s...) }

func (e *encoder) strs(ss []string) {
	e.uv(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *encoder) sevs(ss []vuln.Severity) {
	e.uv(uint64(len(ss)))
	for _, s := range ss {
		e.str(s.Type)
		e.str(s.Score)
	}
}

func appendRecord(b []byte, r *record) []byte {
	e := encoder{b}
	e.str(r.ID)
	e.strs(r.Aliases)
	e.str(r.Summary)
	e.sevs(r.Severity)
	e.str(r.DBSeverity)
	e.uv(uint64(len(r.Affected)))
	for i := range r.Affected {
		a := &r.Affected[i]
		e.str(a.Ecosystem)
		e.str(a.Name)
		e.sevs(a.Severity)
		e.str(a.DBSeverity)
		e.str(a.EcoSeverity)
		e.strs(a.Platforms)
		e.strs(a.Versions)
		e.uv(uint64(len(a.Ranges)))
		for _, rg := range a.Ranges {
			e.str(rg.Type)
			e.uv(uint64(len(rg.Events)))
			for _, ev := range rg.Events {
				e.b = append(e.b, ev.Kind)
				e.str(ev.Value)
			}
		}
	}
	return e.b
}

// --- record decoding: every length is checked against the bytes left, so
// a damaged file yields an error, never a panic or a huge allocation ---

var errCorrupt = errors.New("corrupt record")

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.b = nil
}

func (d *decoder) uv() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a list length; each element needs at least min bytes.
func (d *decoder) count(min int) int {
	v := d.uv()
	if v > uint64(len(d.b)/min) {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *decoder) str() string {
	n := d.uv()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) strs() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *decoder) sevs() []vuln.Severity {
	n := d.count(2)
	if n == 0 {
		return nil
	}
	out := make([]vuln.Severity, n)
	for i := range out {
		out[i].Type = d.str()
		out[i].Score = d.str()
	}
	return out
}

func decodeRecord(b []byte) (*record, error) {
	d := decoder{b: b}
	r := &record{}
	r.ID = d.str()
	r.Aliases = d.strs()
	r.Summary = d.str()
	r.Severity = d.sevs()
	r.DBSeverity = d.str()
	// An affected block takes at least 8 bytes (two strings, six counts).
	if n := d.count(8); n > 0 {
		r.Affected = make([]recAffected, n)
	}
	for i := range r.Affected {
		a := &r.Affected[i]
		a.Ecosystem = d.str()
		a.Name = d.str()
		a.Severity = d.sevs()
		a.DBSeverity = d.str()
		a.EcoSeverity = d.str()
		a.Platforms = d.strs()
		a.Versions = d.strs()
		if n := d.count(2); n > 0 {
			a.Ranges = make([]recRange, n)
		}
		for j := range a.Ranges {
			rg := &a.Ranges[j]
			rg.Type = d.str()
			if n := d.count(2); n > 0 {
				rg.Events = make([]recEvent, n)
			}
			for k := range rg.Events {
				if len(d.b) == 0 {
					d.fail()
					break
				}
				rg.Events[k].Kind = d.b[0]
				d.b = d.b[1:]
				if rg.Events[k].Kind >= numEventKinds {
					d.fail()
				}
				rg.Events[k].Value = d.str()
			}
		}
	}
	if d.err == nil && len(d.b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(d.b))
	}
	if d.err != nil {
		return nil, d.err
	}
	if r.ID == "" {
		return nil, fmt.Errorf("%w: empty id", errCorrupt)
	}
	return r, nil
}

// --- whole data file ---

// encodeFile serializes the records of one ecosystem. recs must already be
// in the order wanted on disk (importers sort by package name so that one
// package's advisories are adjacent and are read with one ReadAt).
func encodeFile(eco string, recs []*record) ([]byte, error) {
	if eco == "" || len(eco) > maxEcoNameLen {
		return nil, fmt.Errorf("bad ecosystem name %q", eco)
	}
	if len(recs) >= math.MaxUint32 {
		return nil, fmt.Errorf("%d records exceed the data file format", len(recs))
	}
	out := make([]byte, headerSize, headerSize+len(eco)+len(recs)*256)
	out = append(out, eco...)
	recStart := len(out)
	offs := make([]uint32, 0, len(recs)+1)
	keys := map[string][]uint32{}
	for i, r := range recs {
		rel := len(out) - recStart
		if uint64(rel) > math.MaxUint32 {
			return nil, errors.New("records exceed 4 GiB")
		}
		offs = append(offs, uint32(rel))
		out = appendRecord(out, r)
		for _, n := range r.names() {
			keys[n] = append(keys[n], uint32(i))
		}
	}
	recLen := len(out) - recStart
	if uint64(recLen) > math.MaxUint32 {
		return nil, errors.New("records exceed 4 GiB")
	}
	offs = append(offs, uint32(recLen))

	names := make([]string, 0, len(keys))
	for n := range keys {
		names = append(names, n)
	}
	sort.Strings(names)
	var blob []byte
	keyOffs := make([]uint32, 0, len(names)+1)
	for _, n := range names {
		keyOffs = append(keyOffs, uint32(len(blob)))
		blob = binary.AppendUvarint(blob, uint64(len(n)))
		blob = append(blob, n...)
		refs := keys[n]
		blob = binary.AppendUvarint(blob, uint64(len(refs)))
		prev := uint32(0)
		for j, o := range refs {
			if j == 0 {
				blob = binary.AppendUvarint(blob, uint64(o))
			} else {
				blob = binary.AppendUvarint(blob, uint64(o-prev))
			}
			prev = o
		}
	}
	if uint64(len(blob)) > math.MaxUint32 {
		return nil, errors.New("index exceeds 4 GiB")
	}
	keyOffs = append(keyOffs, uint32(len(blob)))

	tabStart := len(out)
	for _, o := range offs {
		out = binary.LittleEndian.AppendUint32(out, o)
	}
	for _, o := range keyOffs {
		out = binary.LittleEndian.AppendUint32(out, o)
	}
	out = append(out, blob...)

	h := out[:headerSize]
	copy(h, fileMagic)
	binary.LittleEndian.PutUint32(h[8:], fileVersion)
	binary.LittleEndian.PutUint32(h[12:], uint32(len(recs)))
	binary.LittleEndian.PutUint32(h[16:], uint32(len(names)))
	binary.LittleEndian.PutUint32(h[24:], uint32(len(eco)))
	binary.LittleEndian.PutUint64(h[32:], uint64(recStart))
	binary.LittleEndian.PutUint64(h[40:], uint64(recLen))
	binary.LittleEndian.PutUint64(h[48:], uint64(tabStart))
	binary.LittleEndian.PutUint64(h[56:], uint64(len(out)-tabStart))
	binary.LittleEndian.PutUint32(h[20:], fileCRC(h, out[headerSize:recStart], out[tabStart:]))
	return out, nil
}

func fileCRC(header, eco, tables []byte) uint32 {
	var h [headerSize]byte
	copy(h[:], header)
	binary.LittleEndian.PutUint32(h[20:], 0)
	c := crc32.Update(0, castagnoli, h[:])
	c = crc32.Update(c, castagnoli, eco)
	return crc32.Update(c, castagnoli, tables)
}

// fileHeader is the parsed, validated header of a data file.
type fileHeader struct {
	n, k   int
	crc    uint32
	ecoLen int
	recOff int64
	recLen int64
	tabOff int64
	tabLen int64
}

// parseHeader checks the fixed header against the file size.
func parseHeader(h []byte, size int64) (*fileHeader, error) {
	if len(h) < headerSize || size < headerSize {
		return nil, errors.New("file too short")
	}
	if string(h[:8]) != fileMagic {
		return nil, errors.New("not a Bulwark vulnerability data file")
	}
	if v := binary.LittleEndian.Uint32(h[8:]); v != fileVersion {
		return nil, fmt.Errorf("data file format %d is not supported (want %d; a file written by another Bulwark version: run `bulwark db import` again)", v, fileVersion)
	}
	fh := &fileHeader{
		n:      int(binary.LittleEndian.Uint32(h[12:])),
		k:      int(binary.LittleEndian.Uint32(h[16:])),
		crc:    binary.LittleEndian.Uint32(h[20:]),
		ecoLen: int(binary.LittleEndian.Uint32(h[24:])),
	}
	if binary.LittleEndian.Uint32(h[28:]) != 0 {
		return nil, errors.New("reserved header field set")
	}
	u := func(o int) (int64, bool) {
		v := binary.LittleEndian.Uint64(h[o:])
		return int64(v), v <= uint64(size)
	}
	var ok1, ok2, ok3, ok4 bool
	fh.recOff, ok1 = u(32)
	fh.recLen, ok2 = u(40)
	fh.tabOff, ok3 = u(48)
	fh.tabLen, ok4 = u(56)
	switch {
	case !ok1 || !ok2 || !ok3 || !ok4:
		return nil, errors.New("header offsets beyond the end of the file")
	case fh.ecoLen == 0 || fh.ecoLen > maxEcoNameLen:
		return nil, errors.New("bad ecosystem name length")
	case fh.recOff != headerSize+int64(fh.ecoLen):
		return nil, errors.New("bad records offset")
	case fh.tabOff != fh.recOff+fh.recLen:
		return nil, errors.New("bad tables offset")
	case fh.tabOff+fh.tabLen != size:
		return nil, errors.New("file size does not match its header (truncated?)")
	case fh.recLen > math.MaxUint32:
		return nil, errors.New("records too long")
	case int64(fh.n)+int64(fh.k)+2 > fh.tabLen/4:
		return nil, errors.New("tables too short for their counts")
	}
	return fh, nil
}

// index is the in-memory view of a data file's tables. It keeps the raw
// bytes and binary-searches them, so opening a store allocates a handful
// of slices, not one object per package.
type index struct {
	n, k    int
	recOffs []byte // (n+1) u32
	keyOffs []byte // (k+1) u32
	blob    []byte
}

// parseTables validates the tables of a data file (after its CRC matched).
func parseTables(fh *fileHeader, tables []byte) (*index, error) {
	recTab := (fh.n + 1) * 4
	keyTab := (fh.k + 1) * 4
	if len(tables) < recTab+keyTab {
		return nil, errors.New("tables too short")
	}
	ix := &index{n: fh.n, k: fh.k, recOffs: tables[:recTab], keyOffs: tables[recTab : recTab+keyTab], blob: tables[recTab+keyTab:]}
	prev := uint32(0)
	for i := 0; i <= ix.n; i++ {
		o := ix.recOff(i)
		if o < prev || (i == 0 && o != 0) {
			return nil, errors.New("record offsets out of order")
		}
		prev = o
	}
	if int64(prev) != fh.recLen {
		return nil, errors.New("record offsets do not cover the records")
	}
	prevKey := uint32(0)
	var last []byte
	for i := 0; i <= ix.k; i++ {
		o := binary.LittleEndian.Uint32(ix.keyOffs[i*4:])
		if o < prevKey || (i == 0 && o != 0) || uint64(o) > uint64(len(ix.blob)) {
			return nil, errors.New("key offsets out of order")
		}
		prevKey = o
		if i == ix.k {
			if int(o) != len(ix.blob) {
				return nil, errors.New("key offsets do not cover the key blob")
			}
			break
		}
		name, _, err := ix.key(i)
		if err != nil {
			return nil, err
		}
		if i > 0 && bytes.Compare(last, name) >= 0 {
			return nil, errors.New("index keys not sorted")
		}
		last = name
	}
	return ix, nil
}

func (ix *index) recOff(i int) uint32 { return binary.LittleEndian.Uint32(ix.recOffs[i*4:]) }

// key returns the name of key i and its undecoded reference list.
func (ix *index) key(i int) (name, refs []byte, err error) {
	start := binary.LittleEndian.Uint32(ix.keyOffs[i*4:])
	end := binary.LittleEndian.Uint32(ix.keyOffs[(i+1)*4:])
	if start > end || int(end) > len(ix.blob) {
		return nil, nil, errors.New("bad key offsets")
	}
	b := ix.blob[start:end]
	l, n := binary.Uvarint(b)
	if n <= 0 || l > uint64(len(b)-n) {
		return nil, nil, errors.New("bad key name")
	}
	return b[n : n+int(l)], b[n+int(l):], nil
}

// lookup returns the record ordinals of package name, ascending.
func (ix *index) lookup(name string) ([]int, error) {
	var ferr error
	i := sort.Search(ix.k, func(i int) bool {
		kn, _, err := ix.key(i)
		if err != nil {
			ferr = err
			return true
		}
		return string(kn) >= name
	})
	if ferr != nil {
		return nil, ferr
	}
	if i == ix.k {
		return nil, nil
	}
	kn, refs, err := ix.key(i)
	if err != nil {
		return nil, err
	}
	if string(kn) != name {
		return nil, nil
	}
	return decodeRefs(refs, ix.n)
}

func decodeRefs(b []byte, n int) ([]int, error) {
	cnt, k := binary.Uvarint(b)
	if k <= 0 || cnt > uint64(len(b)-k) || cnt == 0 {
		return nil, errors.New("bad key reference count")
	}
	b = b[k:]
	out := make([]int, 0, cnt)
	cur := uint64(0)
	for j := uint64(0); j < cnt; j++ {
		v, k := binary.Uvarint(b)
		if k <= 0 || (j > 0 && v == 0) {
			return nil, errors.New("bad key reference")
		}
		b = b[k:]
		cur += v
		if cur >= uint64(n) {
			return nil, errors.New("key reference beyond the records")
		}
		out = append(out, int(cur))
	}
	if len(b) != 0 {
		return nil, errors.New("trailing bytes after key references")
	}
	return out, nil
}

// decodeFile parses and cross-checks a whole data file held in memory, for
// Store.Verify and as the reference the fuzz tests hold the piecewise
// reader of Open and Match to.
func decodeFile(data []byte) (eco string, recs []*record, err error) {
	fh, err := parseHeader(data, int64(len(data)))
	if err != nil {
		return "", nil, err
	}
	eco = string(data[headerSize:fh.recOff])
	tables := data[fh.tabOff:]
	if fileCRC(data[:headerSize], data[headerSize:fh.recOff], tables) != fh.crc {
		return "", nil, errors.New("checksum mismatch")
	}
	ix, err := parseTables(fh, tables)
	if err != nil {
		return "", nil, err
	}
	records := data[fh.recOff:fh.tabOff]
	recs = make([]*record, ix.n)
	for i := range recs {
		r, err := decodeRecord(records[ix.recOff(i):ix.recOff(i+1)])
		if err != nil {
			return "", nil, fmt.Errorf("record %d: %w", i, err)
		}
		recs[i] = r
	}
	// Every (record, package name) pair must be indexed exactly once, or a
	// lazy lookup and a full load would see different advisories.
	want, got := 0, 0
	for _, r := range recs {
		want += len(r.names())
	}
	for i := 0; i < ix.k; i++ {
		name, refs, _ := ix.key(i)
		ords, err := decodeRefs(refs, ix.n)
		if err != nil {
			return "", nil, err
		}
		for _, o := range ords {
			if !recs[o].hasName(string(name)) {
				return "", nil, fmt.Errorf("index key %q points at record %d of other packages", name, o)
			}
		}
		got += len(ords)
	}
	if got != want {
		return "", nil, fmt.Errorf("index holds %d references, records name %d packages", got, want)
	}
	return eco, recs, nil
}

func (r *record) hasName(n string) bool {
	for _, a := range r.Affected {
		if a.Name == n {
			return true
		}
	}
	return false
}

// memSize estimates the bytes r holds in memory: its strings and the
// headers of its strings, slices and structs. It bounds an import's
// memory, so it errs on the high side.
func (r *record) memSize() int64 {
	const str, slice = 16, 24
	n := int64(128 + len(r.ID) + len(r.Summary) + len(r.DBSeverity))
	for _, a := range r.Aliases {
		n += str + int64(len(a))
	}
	for _, s := range r.Severity {
		n += 2*str + int64(len(s.Type)+len(s.Score))
	}
	for _, a := range r.Affected {
		n += 6*str + 3*slice + int64(len(a.Ecosystem)+len(a.Name)+len(a.DBSeverity)+len(a.EcoSeverity))
		for _, s := range a.Severity {
			n += 2*str + int64(len(s.Type)+len(s.Score))
		}
		for _, v := range a.Versions {
			n += str + int64(len(v))
		}
		for _, p := range a.Platforms {
			n += str + int64(len(p))
		}
		for _, rg := range a.Ranges {
			n += str + slice + int64(len(rg.Type))
			for _, e := range rg.Events {
				n += str + 8 + int64(len(e.Value))
			}
		}
	}
	return n
}
