package vulndb

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/vuln"
)

// DefaultMaxAge is the data age after which Warnings complains. OSV's
// distro feeds change daily; a week-old database misses a week of fixes.
const DefaultMaxAge = 7 * 24 * time.Hour

// importHelp is appended to every "no data" message.
const importHelp = "run `bulwark db import` (Go advisories come from golang.org/x/vulndb in the Go module cache; " +
	"distro advisories from OSV exports such as https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip)"

// DefaultDir returns the store location used when the caller does not
// choose one: <user cache dir>/bulwark/vulndb.
func DefaultDir() (string, error) {
	c, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("vulnerability database location: %w", err)
	}
	return filepath.Join(c, "bulwark", "vulndb"), nil
}

// Store is an opened vulnerability database. Queries load the advisories
// of the queried packages on first use, so a scan pays for what it asks,
// not for the whole database. All methods are safe for concurrent use.
type Store struct {
	dir   string
	meta  Metadata
	files map[string]*dataFile // by ecosystem

	mu     sync.RWMutex
	db     *vuln.DB
	loaded map[loadKey]bool       // (ecosystem, package) already in db
	byID   map[string]*vuln.Entry // entries in db, to merge ids spanning sources
	closed bool
}

type loadKey struct{ eco, name string }

// dataReader is an open data file (an *os.File; a bytes.Reader in tests).
type dataReader interface {
	io.ReaderAt
	io.Closer
}

type dataFile struct {
	src    Source
	f      dataReader
	recOff int64
	ix     *index
	done   []uint64 // bitset of records already added to Store.db
}

// Open opens the store in dir. It reads metadata.json and the index of each
// data file; advisories are read when queried. A missing store is an error
// wrapping ErrNotFound whose text says how to import data.
func Open(dir string) (*Store, error) {
	var lastErr error
	// An import running concurrently may delete the data files of the
	// metadata read a moment ago; reading the metadata again then sees the
	// files that replaced them.
	for attempt := 0; attempt < 3; attempt++ {
		s, err := open(dir)
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, os.ErrNotExist) || errors.Is(err, ErrNotFound) {
			return nil, err
		}
		lastErr = err
	}
	return nil, lastErr
}

func open(dir string) (*Store, error) {
	m, err := readMetadata(dir)
	if err != nil {
		return nil, err
	}
	s := &Store{dir: dir, meta: m, files: map[string]*dataFile{}}
	for _, src := range m.Sources {
		df, err := openDataFile(dir, src)
		if err != nil {
			s.closeFiles()
			return nil, err
		}
		s.files[src.Ecosystem] = df
	}
	s.db = vuln.NewDB()
	s.loaded = map[loadKey]bool{}
	s.byID = map[string]*vuln.Entry{}
	return s, nil
}

func openDataFile(dir string, src Source) (*dataFile, error) {
	p := filepath.Join(dir, src.File)
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("vulnerability data for %s is unreadable, re-import it: %w", src.Ecosystem, err)
	}
	st, err := f.Stat()
	if err == nil && st.Size() != src.Size {
		err = fmt.Errorf("size %d, metadata says %d", st.Size(), src.Size)
	}
	var df *dataFile
	if err == nil {
		df, err = readIndex(f, src)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("vulnerability data for %s (%s) is damaged, re-import it: %w", src.Ecosystem, p, err)
	}
	return df, nil
}

// readIndex reads and checks the header and tables of a data file of
// src.Size bytes.
func readIndex(r dataReader, src Source) (*dataFile, error) {
	head := make([]byte, headerSize+maxEcoNameLen)
	n, err := r.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	fh, err := parseHeader(head[:n], src.Size)
	if err != nil {
		return nil, err
	}
	if int(fh.recOff) > n {
		return nil, errors.New("truncated header")
	}
	eco := head[headerSize:fh.recOff]
	if string(eco) != src.Ecosystem {
		return nil, fmt.Errorf("file holds %q data", eco)
	}
	tables := make([]byte, fh.tabLen)
	if _, err := r.ReadAt(tables, fh.tabOff); err != nil {
		return nil, err
	}
	if fileCRC(head[:headerSize], eco, tables) != fh.crc {
		return nil, errors.New("checksum mismatch")
	}
	ix, err := parseTables(fh, tables)
	if err != nil {
		return nil, err
	}
	if ix.n != src.Entries {
		return nil, fmt.Errorf("%d records, metadata says %d", ix.n, src.Entries)
	}
	return &dataFile{src: src, f: r, recOff: fh.recOff, ix: ix, done: make([]uint64, (ix.n+63)/64)}, nil
}

// Close releases the data files. Matches already returned stay valid.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return s.closeFiles()
}

func (s *Store) closeFiles() error {
	var first error
	for _, df := range s.files {
		if err := df.f.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Dir returns the store directory.
func (s *Store) Dir() string { return s.dir }

// Meta returns a copy of the store's metadata.
func (s *Store) Meta() Metadata {
	m := s.meta
	m.Sources = append([]Source(nil), s.meta.Sources...)
	for i := range m.Sources {
		st := &m.Sources[i].Import
		st.MalformedFiles = append([]string(nil), st.MalformedFiles...)
		if st.UnsupportedEcosystems != nil {
			c := make(map[string]int, len(st.UnsupportedEcosystems))
			for k, v := range st.UnsupportedEcosystems {
				c[k] = v
			}
			st.UnsupportedEcosystems = c
		}
	}
	return m
}

// Len returns the number of advisories over all sources.
func (s *Store) Len() int {
	n := 0
	for _, src := range s.meta.Sources {
		n += src.Entries
	}
	return n
}

// Digest identifies the data: it is derived from every source's data hash
// and changes exactly when some ecosystem's advisories change, so scan
// results cached under it are invalidated by new data but survive a
// re-import of identical data.
func (s *Store) Digest() string { return digestOf(s.meta) }

// Has reports whether the store holds data for ecosystem (a ":release"
// suffix is ignored).
func (s *Store) Has(ecosystem string) bool {
	_, ok := s.files[baseEcosystem(ecosystem)]
	return ok
}

// Warnings returns one sentence per problem a scan report should show: a
// source whose data is older than maxAge (DefaultMaxAge when maxAge <= 0)
// or of unknown age, and an empty store.
func (s *Store) Warnings(now time.Time, maxAge time.Duration) []string {
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	if len(s.meta.Sources) == 0 {
		return []string{fmt.Sprintf("the vulnerability database at %s is empty; %s", s.dir, importHelp)}
	}
	var out []string
	for _, src := range s.meta.Sources {
		switch {
		case src.DataDate.IsZero():
			out = append(out, fmt.Sprintf("vulnerability data for %s has no known date (imported %s from %s); run `bulwark db import`",
				src.Ecosystem, src.ImportedAt.UTC().Format(time.DateOnly), src.Origin))
		case now.Sub(src.DataDate) > maxAge:
			days := int(now.Sub(src.DataDate) / (24 * time.Hour))
			out = append(out, fmt.Sprintf("vulnerability data for %s is %d %s old (%s); run `bulwark db import`",
				src.Ecosystem, days, plural(days, "day", "days"), src.DataDate.UTC().Format(time.DateOnly)))
		}
	}
	return out
}

// Missing returns one sentence per ecosystem in ecosystems that the store
// has no data for; a scan that found such packages would otherwise report
// "no vulnerabilities" for them.
func (s *Store) Missing(ecosystems ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range ecosystems {
		b := baseEcosystem(e)
		if b == "" || seen[b] || s.Has(b) {
			continue
		}
		seen[b] = true
		out = append(out, fmt.Sprintf("the vulnerability database has no data for %s, so %s packages were not checked; %s", b, b, importHelp))
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func baseEcosystem(e string) string {
	b, _, _ := strings.Cut(e, ":")
	return strings.TrimSpace(b)
}

// Match returns the advisories affecting q, with vuln.DB.Match's semantics.
func (s *Store) Match(q vuln.Query) ([]vuln.Match, error) {
	if err := s.ensure([]vuln.Query{q}); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.db.Match(q)
}

// MatchAll runs Match for every query. Queries whose version cannot be
// parsed are reported in errs and skipped; so is, once, a damaged data
// file, and the packages whose advisories could not be read yield no
// matches (the caller must not present that as "not vulnerable").
func (s *Store) MatchAll(qs []vuln.Query) (matches []vuln.Match, errs []error) {
	if err := s.ensure(qs); err != nil {
		errs = append(errs, err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, e := s.db.MatchAll(qs)
	return m, append(errs, e...)
}

// DBFor returns a new vuln.DB holding the advisories for the packages of
// qs (and nothing else), for callers that want to own a matcher.
func (s *Store) DBFor(qs []vuln.Query) (*vuln.DB, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, errClosed
	}
	db := vuln.NewDB()
	byID := map[string]*vuln.Entry{}
	seen := map[loadKey]bool{}
	// An advisory naming several queried packages is read once.
	type rec struct {
		df  *dataFile
		ord int
	}
	added := map[rec]bool{}
	for _, q := range qs {
		k := loadKey{baseEcosystem(q.Ecosystem), q.Name}
		if seen[k] {
			continue
		}
		seen[k] = true
		df := s.files[k.eco]
		if df == nil {
			continue
		}
		ords, err := df.ix.lookup(k.name)
		if err != nil {
			return nil, df.damaged(err)
		}
		todo := ords[:0]
		for _, o := range ords {
			if !added[rec{df, o}] {
				added[rec{df, o}] = true
				todo = append(todo, o)
			}
		}
		if err := addRecords(db, byID, df, todo); err != nil {
			return nil, err
		}
	}
	return db, nil
}

// addRecords decodes records ords of df into db, merging advisories whose
// id spans ecosystems.
func addRecords(db *vuln.DB, byID map[string]*vuln.Entry, df *dataFile, ords []int) error {
	recs, err := df.read(ords)
	if err != nil {
		return err
	}
	for _, r := range recs {
		if err := addMerged(db, byID, r.toEntry()); err != nil {
			return err
		}
	}
	return nil
}

// DB loads every advisory into a new vuln.DB. It costs what Open avoids
// (decoding and compiling all entries); prefer Match or DBFor for scans.
func (s *Store) DB() (*vuln.DB, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, errClosed
	}
	db := vuln.NewDB()
	byID := map[string]*vuln.Entry{}
	for _, src := range s.meta.Sources {
		if src.Ecosystem == RatingsEcosystem {
			continue // looked up by id, not matched
		}
		df := s.files[src.Ecosystem]
		all := make([]int, df.ix.n)
		for i := range all {
			all[i] = i
		}
		if err := addRecords(db, byID, df, all); err != nil {
			return nil, err
		}
	}
	return db, nil
}

// Verify re-hashes every data file, compares it with metadata.json and
// decodes every record, for `bulwark db verify`-style checks. Open only
// checks sizes and the index checksum, to stay cheap.
func (s *Store) Verify() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return errClosed
	}
	for _, src := range s.meta.Sources {
		df := s.files[src.Ecosystem]
		data := make([]byte, src.Size)
		if _, err := df.f.ReadAt(data, 0); err != nil {
			return df.damaged(err)
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != src.SHA256 {
			return df.damaged(fmt.Errorf("sha256 %s, metadata says %s", got, src.SHA256))
		}
		if _, _, err := decodeFile(data); err != nil {
			return df.damaged(err)
		}
	}
	return nil
}

var errClosed = errors.New("vulnerability database is closed")

// Rating returns the highest rating the GitHub Advisory Database (when
// imported) gives any of ids, an advisory's id and aliases, and the
// GitHub advisory it comes from. ok is false when none is rated there.
func (s *Store) Rating(ids []string) (sev vuln.SeverityInfo, from string, ok bool, err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return sev, "", false, errClosed
	}
	df := s.files[RatingsEcosystem]
	if df == nil {
		return sev, "", false, nil
	}
	seen := map[int]bool{}
	for _, id := range ids {
		ords, err := df.ix.lookup(id)
		if err != nil {
			return sev, "", false, df.damaged(err)
		}
		ords = slices.DeleteFunc(ords, func(o int) bool { return seen[o] })
		for _, o := range ords {
			seen[o] = true
		}
		recs, err := df.read(ords)
		if err != nil {
			return sev, "", false, err
		}
		for _, r := range recs {
			si := vuln.EntrySeverity(r.toEntry())
			if k := vuln.Rank(si.Level); k > 0 && (!ok || k > vuln.Rank(sev.Level) || k == vuln.Rank(sev.Level) && si.Score > sev.Score) {
				sev, from, ok = si, r.ID, true
			}
		}
	}
	return sev, from, ok, nil
}

// ensure loads the advisories of every queried package into s.db.
func (s *Store) ensure(qs []vuln.Query) error {
	var need []loadKey
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return errClosed
	}
	for _, q := range qs {
		k := loadKey{baseEcosystem(q.Ecosystem), q.Name}
		if !s.loaded[k] && s.files[k.eco] != nil {
			need = append(need, k)
		}
	}
	s.mu.RUnlock()
	if len(need) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	var firstErr error
	for _, k := range need {
		if s.loaded[k] {
			continue
		}
		df := s.files[k.eco]
		err := s.loadKey(df, k.name)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		s.loaded[k] = true
	}
	return firstErr
}

// loadKey adds the not yet loaded records of package name to s.db.
// Callers hold s.mu.
func (s *Store) loadKey(df *dataFile, name string) error {
	ords, err := df.ix.lookup(name)
	if err != nil {
		return df.damaged(err)
	}
	todo := ords[:0:0]
	for _, o := range ords {
		if df.done[o/64]&(1<<(o%64)) == 0 {
			todo = append(todo, o)
		}
	}
	recs, err := df.read(todo)
	if err != nil {
		return err
	}
	for i, r := range recs {
		if err := addMerged(s.db, s.byID, r.toEntry()); err != nil {
			return err
		}
		o := todo[i]
		df.done[o/64] |= 1 << (o % 64)
	}
	return nil
}

// addMerged adds e to db. An id already present came from another
// ecosystem's source (e.g. a GHSA advisory listing Go and Debian packages,
// split by the importer); vuln.DB replaces entries by id, so the affected
// blocks are merged instead.
func addMerged(db *vuln.DB, byID map[string]*vuln.Entry, e *vuln.Entry) error {
	if old, ok := byID[e.ID]; ok {
		m := *old
		m.Affected = append(append([]vuln.Affected(nil), old.Affected...), e.Affected...)
		if len(m.Severity) == 0 {
			m.Severity = e.Severity
		}
		if len(m.DatabaseSpecific) == 0 {
			m.DatabaseSpecific = e.DatabaseSpecific
		}
		e = &m
	}
	byID[e.ID] = e
	return db.Add(e)
}

func (df *dataFile) damaged(err error) error {
	return fmt.Errorf("vulnerability data for %s (%s) is damaged, re-import it: %w", df.src.Ecosystem, df.src.File, err)
}

// maxGap is how many unwanted bytes a read may span to save a system call:
// the importer stores a package's advisories next to each other, so most
// lookups become one ReadAt.
const maxGap = 16 << 10

// read decodes the records ords (ascending), coalescing nearby records into
// single reads.
func (df *dataFile) read(ords []int) ([]*record, error) {
	out := make([]*record, 0, len(ords))
	for i := 0; i < len(ords); {
		j := i + 1
		for j < len(ords) && df.ix.recOff(ords[j])-df.ix.recOff(ords[j-1]+1) <= maxGap &&
			df.ix.recOff(ords[j]+1)-df.ix.recOff(ords[i]) <= 8<<20 {
			j++
		}
		start := df.ix.recOff(ords[i])
		end := df.ix.recOff(ords[j-1] + 1)
		buf := make([]byte, end-start)
		if _, err := df.f.ReadAt(buf, df.recOff+int64(start)); err != nil {
			return nil, df.damaged(err)
		}
		for _, o := range ords[i:j] {
			a, b := df.ix.recOff(o)-start, df.ix.recOff(o+1)-start
			r, err := decodeRecord(buf[a:b:b])
			if err != nil {
				return nil, df.damaged(fmt.Errorf("record %d: %w", o, err))
			}
			out = append(out, r)
		}
		i = j
	}
	return out, nil
}
