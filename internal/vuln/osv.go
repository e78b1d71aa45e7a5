// Package vuln matches inventoried packages against OSV advisories held in
// an in-memory index.
package vuln

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/regularfile"
)

// Entry is the subset of an OSV record the matcher uses.
type Entry struct {
	ID               string          `json:"id"`
	Aliases          []string        `json:"aliases,omitempty"`
	Upstream         []string        `json:"upstream,omitempty"`
	Related          []string        `json:"related,omitempty"`
	Withdrawn        string          `json:"withdrawn,omitempty"`
	Summary          string          `json:"summary,omitempty"`
	Details          string          `json:"details,omitempty"`
	Severity         []Severity      `json:"severity,omitempty"`
	Affected         []Affected      `json:"affected"`
	DatabaseSpecific json.RawMessage `json:"database_specific,omitempty"`
}

// Names are the advisory's other ids: its aliases, the upstream ids it
// derives from (OSV 1.6 "upstream": Debian's DEBIAN-CVE-2024-1234 names
// CVE-2024-1234 there, not in aliases), then its related ids (Ubuntu's
// USNs name the CVEs they fix there), without duplicates or itself. Scans
// merge the advisories of one package that share a name.
func (e *Entry) Names() []string {
	var out []string
	for _, list := range [][]string{e.Aliases, e.Upstream, e.Related} {
		for _, a := range list {
			if a != "" && a != e.ID && !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// Title is the advisory's one-line description: its summary, else the
// first line of its details (Debian's advisories have only details).
func (e *Entry) Title() string {
	if s := strings.TrimSpace(e.Summary); s != "" {
		return s
	}
	for _, line := range strings.Split(e.Details, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}

// Severity is an OSV severity[] element (Score holds a CVSS vector).
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Affected is an OSV affected[] element.
type Affected struct {
	Package struct {
		Ecosystem string `json:"ecosystem"`
		Name      string `json:"name"`
		Purl      string `json:"purl,omitempty"`
	} `json:"package"`
	Severity          []Severity      `json:"severity,omitempty"`
	Ranges            []Range         `json:"ranges,omitempty"`
	Versions          []string        `json:"versions,omitempty"`
	EcosystemSpecific json.RawMessage `json:"ecosystem_specific,omitempty"`
	DatabaseSpecific  json.RawMessage `json:"database_specific,omitempty"`
}

// Range is an OSV range.
type Range struct {
	Type   string  `json:"type"`
	Events []Event `json:"events"`
}

// Event is an OSV range event; exactly one field is set.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// MaxEntrySize bounds one OSV JSON document (4 MiB; the largest real entries
// are well below 1 MiB).
const MaxEntrySize = 4 << 20

// MaxZipEntries bounds the number of files read from a zip.
const MaxZipEntries = 2_000_000

type pkgKey struct{ eco, name string }

type ref struct {
	entry    *Entry
	affected int
	release  string // "" = all releases
	c        *compiled
}

// DB is an in-memory OSV index by ecosystem and package name. It is not safe
// for concurrent mutation; concurrent Match calls after loading are safe.
type DB struct {
	byID  map[string]*Entry
	index map[pkgKey][]ref
	// Skipped counts documents that were not valid OSV JSON or withdrawn.
	Skipped int
	// BadRanges counts ranges ignored because an event version could not be
	// parsed for the ecosystem (or the ecosystem is not supported).
	BadRanges int
}

// NewDB returns an empty DB.
func NewDB() *DB {
	return &DB{byID: map[string]*Entry{}, index: map[pkgKey][]ref{}}
}

// Len returns the number of (non-withdrawn) entries.
func (db *DB) Len() int { return len(db.byID) }

// splitEcosystem splits "Debian:12" into ("Debian", "12").
func splitEcosystem(e string) (string, string) {
	base, rel, _ := strings.Cut(e, ":")
	return strings.TrimSpace(base), strings.TrimSpace(rel)
}

// AddJSON parses one OSV document and indexes it. A withdrawn entry is
// counted in Skipped and not indexed. An entry with an already-known ID
// replaces the old one.
func (db *DB) AddJSON(data []byte) error {
	if len(data) > MaxEntrySize {
		return fmt.Errorf("osv entry of %d bytes exceeds %d", len(data), MaxEntrySize)
	}
	var e Entry
	if err := json.Unmarshal(data, &e); err != nil {
		return fmt.Errorf("osv entry: %w", err)
	}
	if e.ID == "" {
		return errors.New("osv entry without id")
	}
	return db.Add(&e)
}

// Add indexes e.
func (db *DB) Add(e *Entry) error {
	if e.Withdrawn != "" {
		db.Skipped++
		return nil
	}
	if old, ok := db.byID[e.ID]; ok {
		db.remove(old)
	}
	db.byID[e.ID] = e
	for i, a := range e.Affected {
		base, rel := splitEcosystem(a.Package.Ecosystem)
		if base == "" || a.Package.Name == "" {
			continue
		}
		if !supported(base) {
			continue // ecosystem we cannot compare (npm, PyPI, ...)
		}
		c, bad := compile(base, a.Package.Name, &e.Affected[i])
		db.BadRanges += bad
		k := pkgKey{base, a.Package.Name}
		db.index[k] = append(db.index[k], ref{entry: e, affected: i, release: rel, c: c})
	}
	return nil
}

func supported(eco string) bool {
	return eco == EcoDebian || eco == EcoUbuntu || eco == EcoAlpine || eco == EcoGo
}

// Supported reports whether the matcher can compare versions of ecosystem
// (a ":release" suffix such as "Debian:12" is ignored). Importers use it to
// drop advisories the matcher would silently ignore anyway.
func Supported(ecosystem string) bool {
	base, _ := splitEcosystem(ecosystem)
	return supported(base)
}

func (db *DB) remove(e *Entry) {
	for _, a := range e.Affected {
		base, _ := splitEcosystem(a.Package.Ecosystem)
		k := pkgKey{base, a.Package.Name}
		refs := db.index[k][:0]
		for _, r := range db.index[k] {
			if r.entry != e {
				refs = append(refs, r)
			}
		}
		if len(refs) == 0 {
			delete(db.index, k)
		} else {
			db.index[k] = refs
		}
	}
	delete(db.byID, e.ID)
}

// LoadDir loads every *.json file below dir. Files that are not valid OSV
// are counted in Skipped; I/O errors are returned.
func (db *DB) LoadDir(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, ".json") || !d.Type().IsRegular() {
			return nil
		}
		f, _, err := regularfile.Open(p)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		data, err := io.ReadAll(io.LimitReader(f, MaxEntrySize+1))
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if err := db.AddJSON(data); err != nil {
			db.Skipped++
		}
		return nil
	})
}

// LoadZipFile loads an OSV export zip (e.g. Debian/all.zip).
func (db *DB) LoadZipFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	return db.LoadZip(f, st.Size())
}

// LoadZip loads every *.json member of a zip archive.
func (db *DB) LoadZip(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("osv zip: %w", err)
	}
	if len(zr.File) > MaxZipEntries {
		return fmt.Errorf("osv zip: %d members exceed %d", len(zr.File), MaxZipEntries)
	}
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() || !strings.HasSuffix(zf.Name, ".json") {
			continue
		}
		if zf.UncompressedSize64 > MaxEntrySize {
			db.Skipped++
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("osv zip %s: %w", zf.Name, err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, MaxEntrySize+1))
		rc.Close()
		if err != nil {
			return fmt.Errorf("osv zip %s: %w", zf.Name, err)
		}
		if err := db.AddJSON(data); err != nil {
			db.Skipped++
		}
	}
	return nil
}
