package vulndb

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/regularfile"
	"github.com/bulwark-sec/bulwark/internal/vuln"
)

// Limits bounds what one import reads; exceeding MaxTotalSize or
// MaxDocuments fails the import (the store keeps its old data), a single
// document above MaxEntrySize is skipped as malformed.
type Limits struct {
	// MaxEntrySize bounds one JSON document (default vuln.MaxEntrySize).
	MaxEntrySize int64
	// MaxTotalSize bounds the uncompressed bytes of all documents (default
	// 4 GiB, several times OSV's largest per-ecosystem export).
	MaxTotalSize int64
	// MaxDocuments bounds the number of JSON documents (default
	// vuln.MaxZipEntries).
	MaxDocuments int
	// MaxInflation bounds how many times its own size a zip may inflate
	// to (plus 64 MiB): OSV exports inflate about tenfold, a zip bomb a
	// thousandfold (default 40).
	MaxInflation int64
	// MaxMemoryFactor bounds the memory the advisories held for the
	// import may take, as a multiple of the input's size (the zip, or the
	// JSON read from a directory) plus 32 MiB (default 6). With the data
	// file built from them and the garbage collector's headroom this
	// keeps an import within about 20 times its input.
	MaxMemoryFactor int64
}

// DefaultLimits returns the limits used when a field is zero.
func DefaultLimits() Limits {
	return Limits{MaxEntrySize: vuln.MaxEntrySize, MaxTotalSize: 4 << 30, MaxDocuments: vuln.MaxZipEntries, MaxInflation: 40, MaxMemoryFactor: 6}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxEntrySize <= 0 {
		l.MaxEntrySize = d.MaxEntrySize
	}
	if l.MaxTotalSize <= 0 {
		l.MaxTotalSize = d.MaxTotalSize
	}
	if l.MaxDocuments <= 0 {
		l.MaxDocuments = d.MaxDocuments
	}
	if l.MaxInflation <= 0 {
		l.MaxInflation = d.MaxInflation
	}
	if l.MaxMemoryFactor <= 0 {
		l.MaxMemoryFactor = d.MaxMemoryFactor
	}
	return l
}

// ErrLimit is returned (wrapped) when an import exceeds its Limits.
var ErrLimit = errors.New("vulnerability data import limit exceeded")

// Importer writes imported data into the store at Dir.
type Importer struct {
	Dir    string
	Limits Limits
}

// ImportZip imports an OSV export zip (e.g. Debian/all.zip) into the store
// at dir with default limits; see Importer.ImportZip.
func ImportZip(dir, path string, now time.Time) ([]Source, error) {
	return Importer{Dir: dir}.ImportZip(path, now)
}

// ImportDir imports a directory tree of OSV JSON files; see
// Importer.ImportDir.
func ImportDir(dir, osvDir string, now time.Time) ([]Source, error) {
	return Importer{Dir: dir}.ImportDir(osvDir, now)
}

// ImportGoVulnDB imports golang.org/x/vulndb's data/osv; see
// Importer.ImportGoVulnDB.
func ImportGoVulnDB(dir, moduleDir, version string, now time.Time) (Source, error) {
	return Importer{Dir: dir}.ImportGoVulnDB(moduleDir, version, now)
}

// ImportZip imports every *.json member of an OSV export zip. The zip may
// hold several ecosystems: one source per supported ecosystem is written,
// each replacing that ecosystem's previous data, all in one commit. The
// returned sources are sorted by ecosystem. A damaged archive fails the
// import; a member that is not valid OSV is counted and skipped.
func (im Importer) ImportZip(path string, now time.Time) ([]Source, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	zr, err := zip.OpenReader(path)
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		return nil, fmt.Errorf("OSV export %s: %w", path, err)
	}
	defer zr.Close()
	c := newCollector(im.Limits, "", now)
	if st, err := os.Stat(path); err == nil {
		c.input = st.Size()
		if inflated := c.lim.MaxInflation*st.Size() + 64<<20; inflated < c.maxTotal {
			c.maxTotal, c.inflation = inflated, true
		}
	}
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() || !strings.HasSuffix(strings.ToLower(zf.Name), ".json") {
			continue
		}
		if err := c.nextDocument(); err != nil {
			return nil, fmt.Errorf("OSV export %s: %w", path, err)
		}
		// The declared size is checked before inflating anything, and the
		// reader below never yields more than it (archive/zip reports
		// ErrFormat when a member inflates beyond its header).
		if zf.UncompressedSize64 > uint64(c.lim.MaxEntrySize) {
			c.malformed(zf.Name, fmt.Sprintf("%d bytes, over the %d-byte limit", zf.UncompressedSize64, c.lim.MaxEntrySize))
			continue
		}
		if err := c.reserve(int64(zf.UncompressedSize64)); err != nil {
			return nil, fmt.Errorf("OSV export %s: %w", path, err)
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, fmt.Errorf("OSV export %s: %s: %w", path, zf.Name, err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, c.lim.MaxEntrySize+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("OSV export %s is damaged: %s: %w", path, zf.Name, err)
		}
		if err := c.add(zf.Name, data); err != nil {
			return nil, fmt.Errorf("OSV export %s: %w", path, err)
		}
	}
	return im.finish(c, abs, dataDate{})
}

// ImportDir imports every regular *.json file below osvDir (symbolic links
// are not followed), like ImportZip.
func (im Importer) ImportDir(osvDir string, now time.Time) ([]Source, error) {
	abs, err := filepath.Abs(osvDir)
	if err != nil {
		return nil, err
	}
	if root, ok := ghsaRoot(abs); ok {
		c := newCollector(im.Limits, RatingsEcosystem, now)
		c.ratings = true
		if err := c.walk(root); err != nil {
			return nil, err
		}
		return im.finish(c, abs, dataDate{})
	}
	c := newCollector(im.Limits, "", now)
	if err := c.walk(abs); err != nil {
		return nil, err
	}
	return im.finish(c, abs, dataDate{})
}

// RatingsEcosystem is the source that holds the GitHub Advisory
// Database's ratings. It is not an ecosystem of packages: its records are
// looked up by advisory id (Store.Rating), to rate the advisories of other
// sources that alias them.
const RatingsEcosystem = "GHSA"

// ghsaRoot recognizes the GitHub Advisory Database (a clone of
// github/advisory-database, or its advisories/github-reviewed directory)
// and returns the reviewed advisories' directory. Its unreviewed
// advisories carry no rating worth importing.
func ghsaRoot(dir string) (string, bool) {
	for _, d := range []string{filepath.Join(dir, "advisories", "github-reviewed"), dir} {
		if filepath.Base(d) != "github-reviewed" {
			continue
		}
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d, true
		}
	}
	return "", false
}

// ImportGoVulnDB imports data/osv of a golang.org/x/vulndb module directory
// (as found by FindGoVulnDB) as the "Go" source. version is the module
// version; "" takes it from the directory name (".../vulndb@<version>").
// The data date is the version's time: the repository copy of the entries
// carries a zero "modified" (vuln.go.dev fills it in when publishing).
func (im Importer) ImportGoVulnDB(moduleDir, version string, now time.Time) (Source, error) {
	if version == "" {
		v, err := versionFromDir(moduleDir)
		if err != nil {
			return Source{}, err
		}
		version = v
	}
	osvDir := filepath.Join(moduleDir, "data", "osv")
	if st, err := os.Stat(osvDir); err != nil || !st.IsDir() {
		return Source{}, fmt.Errorf("%s is not a golang.org/x/vulndb module directory (no data/osv): %v", moduleDir, err)
	}
	c := newCollector(im.Limits, vuln.EcoGo, now)
	if err := c.walk(osvDir); err != nil {
		return Source{}, err
	}
	dd := dataDate{from: "module-version"}
	dd.t, _ = goVulnDBTime(moduleDir, version)
	if dd.t.IsZero() {
		dd.from = ""
	}
	srcs, err := im.finish(c, GoVulnDBModule+"@"+version, dd)
	if err != nil {
		return Source{}, err
	}
	return srcs[0], nil
}

type dataDate struct {
	t    time.Time
	from string
}

// collector turns OSV documents into per-ecosystem records.
type collector struct {
	lim   Limits
	only  string // accept only this ecosystem ("" = every supported one)
	now   time.Time
	stats ImportStats
	total int64
	ecos  map[string]*ecoSet
	// maxTotal is MaxTotalSize, or less for a zip (MaxInflation);
	// inflation says which.
	maxTotal  int64
	inflation bool
	// input is the size of what is imported: the zip, or the JSON read
	// so far from a directory; held estimates the memory of the records.
	input, held int64
	// ratings: the documents are GitHub advisories kept for their
	// rating only (RatingsEcosystem).
	ratings bool
}

type ecoSet struct {
	recs   map[string]*record
	newest time.Time
}

// maxReported bounds ImportStats.MalformedFiles.
const maxReported = 5

func newCollector(lim Limits, only string, now time.Time) *collector {
	lim = lim.withDefaults()
	return &collector{lim: lim, only: only, now: now, ecos: map[string]*ecoSet{}, maxTotal: lim.MaxTotalSize}
}

func (c *collector) nextDocument() error {
	c.stats.Documents++
	if c.stats.Documents > c.lim.MaxDocuments {
		return fmt.Errorf("%w: more than %d documents", ErrLimit, c.lim.MaxDocuments)
	}
	return nil
}

func (c *collector) reserve(n int64) error {
	c.total += n
	if c.total > c.maxTotal {
		if c.inflation {
			return fmt.Errorf("%w: the members inflate to more than %d bytes (%d times the archive's %d bytes, plus 64 MiB); a zip bomb?",
				ErrLimit, c.maxTotal, c.lim.MaxInflation, c.input)
		}
		return fmt.Errorf("%w: more than %d uncompressed bytes", ErrLimit, c.maxTotal)
	}
	return nil
}

func (c *collector) malformed(name, reason string) {
	c.stats.Malformed++
	if len(c.stats.MalformedFiles) < maxReported {
		c.stats.MalformedFiles = append(c.stats.MalformedFiles, truncateUTF8(name+": "+reason, 200))
	}
}

func (c *collector) unsupported(eco string) {
	if c.stats.UnsupportedEcosystems == nil {
		c.stats.UnsupportedEcosystems = map[string]int{}
	}
	c.stats.UnsupportedEcosystems[eco]++
}

// walk reads the *.json files below root.
func (c *collector) walk(root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() || !strings.HasSuffix(strings.ToLower(d.Name()), ".json") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if err := c.nextDocument(); err != nil {
			return fmt.Errorf("%s: %w", root, err)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() > c.lim.MaxEntrySize {
			c.malformed(rel, fmt.Sprintf("%d bytes, over the %d-byte limit", info.Size(), c.lim.MaxEntrySize))
			return nil
		}
		if err := c.reserve(info.Size()); err != nil {
			return fmt.Errorf("%s: %w", root, err)
		}
		// The entry's type was read from the directory; the opened file is
		// checked again, as it may have been swapped for a FIFO since.
		f, _, err := regularfile.Open(p)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		data, err := io.ReadAll(io.LimitReader(f, c.lim.MaxEntrySize+1))
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		if int64(len(data)) > c.lim.MaxEntrySize { // grew since Stat
			c.malformed(rel, fmt.Sprintf("over the %d-byte limit", c.lim.MaxEntrySize))
			return nil
		}
		c.input += int64(len(data))
		if err := c.add(rel, data); err != nil {
			return fmt.Errorf("%s: %w", root, err)
		}
		return nil
	})
}

// osvDoc adds the field the store needs beyond what the matcher reads.
type osvDoc struct {
	vuln.Entry
	Modified string `json:"modified"`
}

// futureSkew is how far in the future a "modified" may lie before it is
// distrusted: one bogus far-future date would otherwise silence the
// staleness warning for good.
const futureSkew = 48 * time.Hour

// add converts one OSV document. Only the memory bound fails it; a
// document that is not OSV is counted as malformed.
func (c *collector) add(name string, data []byte) error {
	var d osvDoc
	if err := json.Unmarshal(data, &d); err != nil {
		c.malformed(name, "not an OSV document: "+err.Error())
		return nil
	}
	if d.ID == "" {
		c.malformed(name, "no id")
		return nil
	}
	if d.Withdrawn != "" {
		c.stats.Withdrawn++
		return nil
	}
	if c.ratings {
		return c.addRating(name, &d)
	}
	groups := map[string][]recAffected{}
	var skipped []string
	for _, a := range d.Affected {
		base := baseEcosystem(a.Package.Ecosystem)
		if !vuln.Supported(base) || (c.only != "" && base != c.only) || a.Package.Name == "" {
			skipped = append(skipped, base)
			continue
		}
		groups[base] = append(groups[base], compactAffected(&a))
	}
	if len(groups) == 0 {
		c.stats.Unsupported++
		if len(skipped) == 0 {
			skipped = []string{""}
		}
		sort.Strings(skipped)
		for i, e := range skipped {
			if i == 0 || e != skipped[i-1] {
				c.unsupported(e)
			}
		}
		return nil
	}
	var mod time.Time
	if t, err := time.Parse(time.RFC3339Nano, d.Modified); err == nil && t.Year() > 1 && !t.After(c.now.Add(futureSkew)) {
		mod = t.UTC()
	}
	dup := false
	for eco, affs := range groups {
		set := c.ecos[eco]
		if set == nil {
			set = &ecoSet{recs: map[string]*record{}}
			c.ecos[eco] = set
		}
		if _, ok := set.recs[d.ID]; ok {
			dup = true
		}
		r := &record{
			ID:         d.ID,
			Aliases:    d.Names(),
			Summary:    truncateUTF8(d.Title(), maxSummary),
			Severity:   d.Severity,
			DBSeverity: severityText(d.DatabaseSpecific),
			Affected:   affs,
		}
		if old := set.recs[d.ID]; old != nil {
			c.held -= old.memSize()
		}
		c.held += r.memSize()
		set.recs[d.ID] = r
		if mod.After(set.newest) {
			set.newest = mod
		}
	}
	if dup {
		c.stats.Duplicates++
	}
	if limit := c.lim.MaxMemoryFactor*c.input + 32<<20; c.held > limit {
		return fmt.Errorf("%w: the advisories take more than %d bytes of memory (%d times the input's %d bytes, plus 32 MiB)",
			ErrLimit, limit, c.lim.MaxMemoryFactor, c.input)
	}
	return nil
}

// addRating keeps what rates a GitHub advisory: its CVSS vectors and
// database_specific.severity, under its id and each alias (the index is
// by "package name": here, by id).
func (c *collector) addRating(name string, d *osvDoc) error {
	if !strings.HasPrefix(d.ID, "GHSA-") {
		c.malformed(name, "not a GitHub advisory (id "+truncateUTF8(d.ID, 40)+")")
		return nil
	}
	r := &record{ID: d.ID, Aliases: d.Names(), Severity: d.Severity, DBSeverity: severityText(d.DatabaseSpecific)}
	if len(r.Severity) == 0 && r.DBSeverity == "" {
		c.stats.Unrated++
		return nil
	}
	for _, n := range append([]string{d.ID}, r.Aliases...) {
		r.Affected = append(r.Affected, recAffected{Ecosystem: RatingsEcosystem, Name: n})
	}
	set := c.ecos[RatingsEcosystem]
	if set == nil {
		set = &ecoSet{recs: map[string]*record{}}
		c.ecos[RatingsEcosystem] = set
	}
	if old := set.recs[d.ID]; old != nil {
		c.held -= old.memSize()
		c.stats.Duplicates++
	}
	c.held += r.memSize()
	set.recs[d.ID] = r
	if t, err := time.Parse(time.RFC3339Nano, d.Modified); err == nil && t.Year() > 1 && !t.After(c.now.Add(futureSkew)) && t.After(set.newest) {
		set.newest = t.UTC()
	}
	if limit := c.lim.MaxMemoryFactor*c.input + 32<<20; c.held > limit {
		return fmt.Errorf("%w: the advisories take more than %d bytes of memory (%d times the input's %d bytes, plus 32 MiB)",
			ErrLimit, limit, c.lim.MaxMemoryFactor, c.input)
	}
	return nil
}

func compactAffected(a *vuln.Affected) recAffected {
	ra := recAffected{
		Ecosystem:   a.Package.Ecosystem,
		Name:        a.Package.Name,
		Severity:    a.Severity,
		DBSeverity:  severityText(a.DatabaseSpecific),
		EcoSeverity: severityText(a.EcosystemSpecific),
		Platforms:   goPlatforms(a.EcosystemSpecific),
		Versions:    a.Versions,
	}
	for _, rg := range a.Ranges {
		// The matcher evaluates only these; GIT ranges need the repository.
		if rg.Type != "ECOSYSTEM" && rg.Type != "SEMVER" {
			continue
		}
		evs := make([]recEvent, 0, len(rg.Events))
		for _, e := range rg.Events {
			// Same precedence as the matcher when an event sets several.
			switch {
			case e.Introduced != "":
				evs = append(evs, recEvent{evIntroduced, e.Introduced})
			case e.Fixed != "":
				evs = append(evs, recEvent{evFixed, e.Fixed})
			case e.LastAffected != "":
				evs = append(evs, recEvent{evLastAffected, e.LastAffected})
			case e.Limit != "":
				evs = append(evs, recEvent{evLimit, e.Limit})
			}
		}
		if len(evs) > 0 {
			ra.Ranges = append(ra.Ranges, recRange{Type: rg.Type, Events: evs})
		}
	}
	return ra
}

type pending struct {
	src  Source
	data []byte
}

// finish encodes the collected ecosystems and commits them.
func (im Importer) finish(c *collector, origin string, dd dataDate) ([]Source, error) {
	if len(c.ecos) == 0 {
		return nil, fmt.Errorf("%s: no advisories for a supported ecosystem (%s); %s; the store is unchanged", origin, supportedList(c.only), c.stats.summary())
	}
	ecos := make([]string, 0, len(c.ecos))
	for e := range c.ecos {
		ecos = append(ecos, e)
	}
	sort.Strings(ecos)
	var pend []pending
	for _, eco := range ecos {
		set := c.ecos[eco]
		recs := make([]*record, 0, len(set.recs))
		for _, r := range set.recs {
			recs = append(recs, r)
		}
		// Grouping by package name puts the advisories one query needs
		// side by side in the file; ids make the order (and so the file
		// hash and Digest) independent of the input order.
		firsts := make(map[*record]string, len(recs))
		for _, r := range recs {
			firsts[r] = r.names()[0]
		}
		sort.Slice(recs, func(i, j int) bool {
			if a, b := firsts[recs[i]], firsts[recs[j]]; a != b {
				return a < b
			}
			return recs[i].ID < recs[j].ID
		})
		data, err := encodeFile(eco, recs)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", origin, eco, err)
		}
		sum := sha256.Sum256(data)
		hexSum := hex.EncodeToString(sum[:])
		src := Source{
			Ecosystem:  eco,
			Origin:     origin,
			ImportedAt: c.now.UTC(),
			Entries:    len(recs),
			File:       fileSafe(eco) + "-" + hexSum[:16] + dataFileExt,
			SHA256:     hexSum,
			Size:       int64(len(data)),
			Import:     c.stats,
		}
		switch {
		case dd.from != "":
			src.DataDate, src.DataDateFrom = dd.t.UTC(), dd.from
		case !set.newest.IsZero():
			src.DataDate, src.DataDateFrom = set.newest, "modified"
		}
		pend = append(pend, pending{src: src, data: data})
	}
	return commit(im.Dir, pend)
}

func supportedList(only string) string {
	if only != "" {
		return only
	}
	return strings.Join([]string{vuln.EcoAlpine, vuln.EcoDebian, vuln.EcoGo}, ", ")
}

func (s ImportStats) summary() string {
	parts := []string{fmt.Sprintf("%d documents", s.Documents)}
	if s.Withdrawn > 0 {
		parts = append(parts, fmt.Sprintf("%d withdrawn", s.Withdrawn))
	}
	if s.Unsupported > 0 {
		var ecos []string
		for e, n := range s.UnsupportedEcosystems {
			if e == "" {
				e = "(no package)"
			}
			ecos = append(ecos, fmt.Sprintf("%s %d", e, n))
		}
		sort.Strings(ecos)
		parts = append(parts, fmt.Sprintf("%d unsupported (%s)", s.Unsupported, strings.Join(ecos, ", ")))
	}
	if s.Unrated > 0 {
		parts = append(parts, fmt.Sprintf("%d without a rating", s.Unrated))
	}
	if s.Malformed > 0 {
		parts = append(parts, fmt.Sprintf("%d malformed (%s)", s.Malformed, strings.Join(s.MalformedFiles, "; ")))
	}
	return strings.Join(parts, ", ")
}

func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, s)
}

// testHookBeforeCommit, when set by a test, runs after the data files are
// written and before metadata.json is replaced: the moment a crash must not
// damage the store.
var testHookBeforeCommit func() error

// commit writes the data files and then metadata.json, the rename of which
// is the commit point: until then Open sees the old store, and data files
// are named by content so new ones never overwrite files the old metadata
// uses. Files no longer referenced are removed afterwards.
func commit(dir string, pend []pending) (_ []Source, err error) {
	if dir == "" {
		return nil, errors.New("no vulnerability database directory given")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()

	old, err := readMetadata(dir)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("%w (remove %s and import again)", err, dir)
	}
	oldFiles := map[string]string{} // name -> sha256
	for _, s := range old.Sources {
		oldFiles[s.File] = s.SHA256
	}
	var created []string
	defer func() {
		if err != nil {
			for _, p := range created {
				os.Remove(p)
			}
		}
	}()
	for _, p := range pend {
		if oldFiles[p.src.File] == p.src.SHA256 {
			continue // same content already in place, possibly open by readers
		}
		path := filepath.Join(dir, p.src.File)
		if err := writeFileAtomic(path, p.data); err != nil {
			return nil, err
		}
		created = append(created, path)
	}

	next := Metadata{Format: metadataFormat}
	replaced := map[string]bool{}
	for _, p := range pend {
		replaced[p.src.Ecosystem] = true
		next.Sources = append(next.Sources, p.src)
	}
	for _, s := range old.Sources {
		if !replaced[s.Ecosystem] {
			next.Sources = append(next.Sources, s)
		}
	}
	sort.Slice(next.Sources, func(i, j int) bool { return next.Sources[i].Ecosystem < next.Sources[j].Ecosystem })
	meta, err := encodeMetadata(next)
	if err != nil {
		return nil, err
	}
	if testHookBeforeCommit != nil {
		if err := testHookBeforeCommit(); err != nil {
			return nil, err
		}
	}
	if err := writeFileAtomic(filepath.Join(dir, MetadataFile), meta); err != nil {
		return nil, err
	}
	syncDir(dir)
	collectGarbage(dir, next)
	out := make([]Source, len(pend))
	for i, p := range pend {
		out[i] = p.src
	}
	return out, nil
}

const tmpPrefix = ".import-"

func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), tmpPrefix+"*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // not supported everywhere; the renames are what matter
		d.Close()
	}
}

// collectGarbage removes data files m does not reference and temporary
// files a crashed import left behind. Failures are ignored: the files are
// unreferenced, and the next import retries.
func collectGarbage(dir string, m Metadata) {
	keep := map[string]bool{}
	for _, s := range m.Sources {
		keep[s.File] = true
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		n := e.Name()
		switch {
		case strings.HasSuffix(n, dataFileExt) && !keep[n] && e.Type().IsRegular():
			os.Remove(filepath.Join(dir, n))
		case strings.HasPrefix(n, tmpPrefix) && strings.HasSuffix(n, ".tmp"):
			// Other imports are excluded by the lock where there is one;
			// the age check covers platforms without it.
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > 10*time.Minute {
				os.Remove(filepath.Join(dir, n))
			}
		}
	}
}
