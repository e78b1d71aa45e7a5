package vulndb

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/vuln"
)

// seedFile is a small valid data file for the fuzzers to mutate.
func seedFile(tb testing.TB) (eco string, data []byte) {
	c := newCollector(Limits{}, "", testNow)
	for _, m := range fixture() {
		c.add(m.name, m.data)
	}
	set := c.ecos["Debian"]
	var recs []*record
	for _, id := range []string{"DSA-1000-1", "DEBIAN-CVE-2026-2000", "DLA-3000-1", "MULTI-1"} {
		recs = append(recs, set.recs[id])
	}
	data, err := encodeFile("Debian", recs)
	if err != nil {
		tb.Fatal(err)
	}
	return "Debian", data
}

type memFile struct{ *bytes.Reader }

func (memFile) Close() error { return nil }

// FuzzDataFile feeds arbitrary bytes to both readers of a data file: the
// whole-file decoder and the lazy index + record path Open and Match use.
// Neither may panic, and whenever the whole file decodes, the lazy path
// must see the same records.
func FuzzDataFile(f *testing.F) {
	eco, data := seedFile(f)
	f.Add(data)
	f.Add(data[:headerSize])
	f.Add([]byte(fileMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDataFile(t, eco, data)
		// Most mutations only break the checksum; repair it so that the
		// table and record checks behind it get exercised too.
		if fh, err := parseHeader(data, int64(len(data))); err == nil {
			fixed := append([]byte(nil), data...)
			binary.LittleEndian.PutUint32(fixed[20:], fileCRC(fixed[:headerSize], fixed[headerSize:fh.recOff], fixed[fh.tabOff:]))
			checkDataFile(t, eco, fixed)
		}
	})
}

func checkDataFile(t *testing.T, eco string, data []byte) {
	{
		_, recs, wholeErr := decodeFile(data)
		src := Source{Ecosystem: eco, Size: int64(len(data)), Entries: len(recs)}
		if fh, err := parseHeader(data, int64(len(data))); err == nil {
			// What metadata.json would say about this file.
			src.Ecosystem = string(data[headerSize:fh.recOff])
			src.Entries = fh.n
		}
		eco := src.Ecosystem
		df, err := readIndex(memFile{bytes.NewReader(data)}, src)
		if err != nil {
			if wholeErr == nil {
				t.Fatalf("whole file decodes but the index does not: %v", err)
			}
			return
		}
		s := &Store{files: map[string]*dataFile{eco: df}, meta: Metadata{Sources: []Source{src}},
			db: vuln.NewDB(), loaded: map[loadKey]bool{}, byID: map[string]*vuln.Entry{}}
		var lazy []*record
		for i := 0; i < df.ix.k; i++ {
			name, _, err := df.ix.key(i)
			if err != nil {
				t.Fatal(err) // parseTables checked every key
			}
			ords, err := df.ix.lookup(string(name))
			if err != nil || len(ords) == 0 {
				if wholeErr == nil {
					t.Fatalf("lookup %q: %v %v", name, ords, err)
				}
				continue
			}
			rs, err := df.read(ords)
			if err != nil {
				if wholeErr == nil {
					t.Fatalf("read %q: %v", name, err)
				}
				continue
			}
			for j, r := range rs {
				if wholeErr == nil && !reflect.DeepEqual(r, recs[ords[j]]) {
					t.Fatalf("record %d differs between lazy and whole reads", ords[j])
				}
			}
			lazy = append(lazy, rs...)
			_, _ = s.MatchAll([]vuln.Query{{Ecosystem: eco, Release: "12", Name: string(name), Version: "1.0-1"}})
		}
		if wholeErr == nil {
			if _, err := s.DB(); err != nil {
				t.Fatalf("DB(): %v", err)
			}
		}
	}
}

// FuzzRecord checks that the record decoder never panics and that what it
// accepts survives re-encoding.
func FuzzRecord(f *testing.F) {
	_, data := seedFile(f)
	_, recs, err := decodeFile(data)
	if err != nil {
		f.Fatal(err)
	}
	for _, r := range recs {
		f.Add(appendRecord(nil, r))
	}
	f.Add([]byte{1, 'x', 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRecord(b)
		if err != nil {
			return
		}
		again, err := decodeRecord(appendRecord(nil, r))
		if err != nil || !reflect.DeepEqual(again, r) {
			t.Fatalf("re-encoded record differs: %v\n%+v\n%+v", err, r, again)
		}
		db := vuln.NewDB()
		if err := db.Add(r.toEntry()); err != nil {
			return
		}
		for _, a := range r.Affected {
			_, _ = db.Match(vuln.Query{Ecosystem: a.Ecosystem, Name: a.Name, Version: "1.0.0"})
		}
	})
}

// FuzzMetadata checks that metadata.json parsing never panics, that what
// it accepts names only files inside the store, and that it round-trips.
func FuzzMetadata(f *testing.F) {
	f.Add([]byte(`{"format":1,"sources":[{"ecosystem":"Go","origin":"golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018","dataDate":"2026-11-05T23:49:57Z","dataDateFrom":"module-version","importedAt":"2026-11-21T10:00:00Z","entries":4771,"file":"Go-0123456789abcdef.bvdb","sha256":"` +
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" + `","size":1240376,"import":{"documents":4789,"withdrawn":18}}]}`))
	f.Add([]byte(`{"format":1,"sources":[]}`))
	f.Add([]byte(`{"format":1,"sources":[{"ecosystem":"Go","file":"../../etc/passwd"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseMetadata(data)
		if err != nil {
			return
		}
		for _, s := range m.Sources {
			if !dataFileRE.MatchString(s.File) {
				t.Fatalf("accepted file name %q", s.File)
			}
		}
		enc, err := encodeMetadata(m)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := parseMetadata(enc)
		if err != nil {
			t.Fatalf("re-encoded metadata rejected: %v\n%s", err, enc)
		}
		if digestOf(m) != digestOf(m2) || len(m.Sources) != len(m2.Sources) {
			t.Fatal("metadata changed in a round trip")
		}
	})
}

// FuzzImportDocument runs one OSV document through the importer and the
// data file round trip: whatever the importer keeps must come back intact.
func FuzzImportDocument(f *testing.F) {
	for _, m := range fixture() {
		f.Add(m.data)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		c := newCollector(Limits{}, "", testNow)
		c.add("doc.json", doc)
		for eco, set := range c.ecos {
			var recs []*record
			for _, r := range set.recs {
				recs = append(recs, r)
			}
			data, err := encodeFile(eco, recs)
			if err != nil {
				t.Fatal(err)
			}
			gotEco, got, err := decodeFile(data)
			if err != nil || gotEco != eco || !reflect.DeepEqual(normRecs(got), normRecs(recs)) {
				t.Fatalf("round trip: %v %q\n%+v\n%+v", err, gotEco, got, recs)
			}
		}
	})
}

// normRecs makes empty and nil slices compare equal.
func normRecs(rs []*record) []record {
	var out []record
	for _, r := range rs {
		decoded, _ := decodeRecord(appendRecord(nil, r))
		out = append(out, *decoded)
	}
	return out
}
