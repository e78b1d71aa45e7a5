package vulndb

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/bulwark-sec/bulwark/internal/regularfile"
)

// MetadataFile is the name of the store's table of contents. Renaming a new
// version over it is the single step that commits an import.
const MetadataFile = "metadata.json"

// metadataFormat is the version of metadata.json and of the data files it
// lists; a store written by a newer Bulwark is refused rather than misread.
const metadataFormat = 1

// maxMetadataSize bounds metadata.json (a few hundred bytes per source).
const maxMetadataSize = 1 << 20

// dataFileExt is the extension of the per-ecosystem data files.
const dataFileExt = ".bvdb"

// Metadata is the content of metadata.json.
type Metadata struct {
	Format  int      `json:"format"`
	Sources []Source `json:"sources"` // sorted by ecosystem, one per ecosystem
}

// Source describes the data of one ecosystem and where it came from.
type Source struct {
	// Ecosystem is the OSV ecosystem without release ("Debian", "Alpine",
	// "Go"); advisories for every release of it are in one source.
	Ecosystem string `json:"ecosystem"`
	// Origin is what was imported: an absolute file or directory path, or
	// "golang.org/x/vulndb@<version>".
	Origin string `json:"origin"`
	// DataDate is how current the data is: the newest "modified" of the
	// entries, or for golang.org/x/vulndb the module version's time (its
	// entries carry a zero "modified"). Zero when unknown.
	DataDate time.Time `json:"dataDate,omitzero"`
	// DataDateFrom says where DataDate came from: "modified",
	// "module-version" or "" (unknown).
	DataDateFrom string    `json:"dataDateFrom,omitempty"`
	ImportedAt   time.Time `json:"importedAt"`
	// Entries is the number of advisories stored for this ecosystem.
	Entries int `json:"entries"`
	// File is the data file's name inside the store directory; SHA256 and
	// Size are its hex digest and length.
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// Import reports what the import run that wrote this source skipped. A
	// run over a zip with several ecosystems writes one source per
	// ecosystem; they share these numbers.
	Import ImportStats `json:"import"`
}

// ImportStats counts the documents of one import run.
type ImportStats struct {
	Documents int `json:"documents"` // JSON documents read
	Withdrawn int `json:"withdrawn,omitempty"`
	// Unsupported counts advisories without an affected package in an
	// ecosystem the matcher supports; UnsupportedEcosystems breaks them
	// down ("" = no affected package at all).
	Unsupported           int            `json:"unsupported,omitempty"`
	UnsupportedEcosystems map[string]int `json:"unsupportedEcosystems,omitempty"`
	// Malformed counts documents that are not valid OSV (or too large);
	// MalformedFiles names the first few with the reason.
	Malformed      int      `json:"malformed,omitempty"`
	MalformedFiles []string `json:"malformedFiles,omitempty"`
	// Duplicates counts documents whose id was already seen in the same
	// run; the later one is kept.
	Duplicates int `json:"duplicates,omitempty"`
	// Unrated counts GitHub advisories without a rating: a ratings
	// import keeps nothing of them.
	Unrated int `json:"unrated,omitempty"`
}

var (
	dataFileRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*\.bvdb$`)
	sha256RE   = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// parseMetadata decodes and validates metadata.json. Everything that later
// becomes a path or an index into the store is checked here, so a damaged
// or hostile file cannot point Open outside the directory.
func parseMetadata(data []byte) (Metadata, error) {
	var m Metadata
	if len(data) > maxMetadataSize {
		return m, fmt.Errorf("%s is larger than %d bytes", MetadataFile, maxMetadataSize)
	}
	// Unknown fields are allowed: additions that older readers may ignore
	// do not bump metadataFormat.
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return Metadata{}, fmt.Errorf("%s: %w", MetadataFile, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Metadata{}, fmt.Errorf("%s: trailing data", MetadataFile)
	}
	if m.Format != metadataFormat {
		return Metadata{}, fmt.Errorf("%s: format %d is not supported (this Bulwark reads %d); re-import the data", MetadataFile, m.Format, metadataFormat)
	}
	seen := map[string]bool{}
	files := map[string]bool{}
	for i, s := range m.Sources {
		switch {
		case s.Ecosystem == "" || len(s.Ecosystem) > maxEcoNameLen:
			return Metadata{}, fmt.Errorf("%s: source %d: bad ecosystem %q", MetadataFile, i, s.Ecosystem)
		case seen[s.Ecosystem]:
			return Metadata{}, fmt.Errorf("%s: ecosystem %s listed twice", MetadataFile, s.Ecosystem)
		case !dataFileRE.MatchString(s.File) || files[s.File]:
			return Metadata{}, fmt.Errorf("%s: %s: bad data file name %q", MetadataFile, s.Ecosystem, s.File)
		case !sha256RE.MatchString(s.SHA256):
			return Metadata{}, fmt.Errorf("%s: %s: bad sha256 %q", MetadataFile, s.Ecosystem, s.SHA256)
		case s.Entries < 0 || s.Size < headerSize:
			return Metadata{}, fmt.Errorf("%s: %s: bad entry count or size", MetadataFile, s.Ecosystem)
		}
		seen[s.Ecosystem] = true
		files[s.File] = true
	}
	sort.Slice(m.Sources, func(i, j int) bool { return m.Sources[i].Ecosystem < m.Sources[j].Ecosystem })
	return m, nil
}

func encodeMetadata(m Metadata) ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ErrNotFound is returned (wrapped) by Open when dir holds no store.
var ErrNotFound = errors.New("no vulnerability database")

func readMetadata(dir string) (Metadata, error) {
	p := filepath.Join(dir, MetadataFile)
	f, _, err := regularfile.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return Metadata{}, fmt.Errorf("%w at %s; import data first: %s", ErrNotFound, dir, importHelp)
	}
	if err != nil {
		return Metadata{}, fmt.Errorf("%s: %w", p, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxMetadataSize+1))
	if err != nil {
		return Metadata{}, fmt.Errorf("%s: %w", p, err)
	}
	m, err := parseMetadata(data)
	if err != nil {
		return Metadata{}, fmt.Errorf("vulnerability database at %s: %w", dir, err)
	}
	return m, nil
}

// digestOf hashes the data hashes, so it changes exactly when some
// ecosystem's data changes (not when the same data is merely re-imported).
func digestOf(m Metadata) string {
	h := sha256.New()
	fmt.Fprintf(h, "bulwark-vulndb/%d\n", metadataFormat)
	for _, s := range m.Sources {
		fmt.Fprintf(h, "%s\x00%s\n", s.Ecosystem, s.SHA256)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
