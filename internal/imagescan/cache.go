package imagescan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/image"
)

// cacheSchema changes whenever what is cached changes meaning (the
// inventory rules, the record layout); old entries are then not read.
const cacheSchema = "3"

// Cache stores, by digest, what assessing an image produced:
//
//   - records/<digest>.json: the scan record: the package inventory of each
//     platform. Content addressed: a digest's layers never change, so a
//     record stays valid until the inventory rules change (cacheSchema). It
//     is also the proof that an image was scanned (Options.RecordsOnly).
//   - matches/<key>.json: the vulnerabilities found, keyed by digest,
//     database digest and matching options: a new database gives new
//     matches from the same record without pulling the image again.
//
// Entries are written atomically, so concurrent scans sharing a directory
// (a CI cache) see whole files or none.
type Cache struct {
	Dir string
}

// DefaultCacheDir is <user cache dir>/bulwark/images.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no user cache directory (set --cache-dir): %w", err)
	}
	return filepath.Join(d, "bulwark", "images"), nil
}

// Record is the inventory of an image, by platform.
type Record struct {
	Schema    string           `json:"schema"`
	Digest    string           `json:"digest"`
	Platforms []PlatformRecord `json:"platforms"`
}

// PlatformRecord is the inventory of one platform's image.
type PlatformRecord struct {
	Platform string           `json:"platform"`
	Digest   string           `json:"digest"`
	OS       *image.OSRelease `json:"os,omitempty"`
	Packages []image.Package  `json:"packages"`
	// Unread are package databases the inventory does not read (rpm).
	Unread []string `json:"unread,omitempty"`
}

type matchEntry struct {
	Schema          string          `json:"schema"`
	Vulnerabilities []Vulnerability `json:"vulnerabilities"`
	Uncovered       []string        `json:"uncovered,omitempty"`
}

func (c *Cache) recordPath(digest string) string {
	return filepath.Join(c.Dir, "records", strings.ReplaceAll(digest, ":", "-")+".json")
}

func (c *Cache) matchPath(digest, dbDigest string, ignoreUnfixed bool) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s\x00%t", cacheSchema, digest, dbDigest, ignoreUnfixed))
	return filepath.Join(c.Dir, "matches", hex.EncodeToString(h[:])+".json")
}

// Record returns the scan record of digest, or nil when there is none.
func (c *Cache) Record(digest string) (*Record, error) {
	var r Record
	ok, err := c.read(c.recordPath(digest), &r)
	if err != nil || !ok || r.Schema != cacheSchema || r.Digest != digest {
		return nil, err
	}
	return &r, nil
}

// PutRecord stores a scan record.
func (c *Cache) PutRecord(r *Record) error {
	r.Schema = cacheSchema
	return c.write(c.recordPath(r.Digest), r)
}

func (c *Cache) matches(digest, dbDigest string, ignoreUnfixed bool) (matchEntry, bool, error) {
	var m matchEntry
	ok, err := c.read(c.matchPath(digest, dbDigest, ignoreUnfixed), &m)
	if err != nil || !ok || m.Schema != cacheSchema {
		return m, false, err
	}
	if m.Vulnerabilities == nil {
		m.Vulnerabilities = []Vulnerability{}
	}
	return m, true, nil
}

func (c *Cache) putMatches(digest, dbDigest string, ignoreUnfixed bool, m matchEntry) error {
	m.Schema = cacheSchema
	return c.write(c.matchPath(digest, dbDigest, ignoreUnfixed), m)
}

// read decodes a cache file. A missing file is a miss; an unreadable or
// corrupt one is a miss too (the entry is rewritten), reported so that a
// broken cache directory does not go unnoticed.
func (c *Cache) read(path string, v any) (bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("image cache: %w", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("image cache: %s is corrupt (%v); it will be rewritten", path, err)
	}
	return true, nil
}

func (c *Cache) write(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("image cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	return nil
}
