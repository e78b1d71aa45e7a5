package scan

import (
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

// DBSource is one ecosystem's data in the vulnerability database.
type DBSource = vulndb.Source

// DBImportStats count what an import left out.
type DBImportStats = vulndb.ImportStats

// ImportDB imports OSV data into the vulnerability database dir (the
// default when empty): each path an OSV export zip or a directory of OSV
// JSON (or an advisory-database clone); with goVulnDB or goDir also the Go
// vulnerability database from the module cache or goDir. It returns the
// database directory and what was imported. Every error is a UsageError
// (exit 2); a failed import leaves the ecosystems it held as they were.
func ImportDB(dir string, paths []string, goVulnDB bool, goDir string, now time.Time) (string, []DBSource, error) {
	d, err := ResolveDBDir(dir)
	if err != nil {
		return "", nil, err
	}
	var imported []vulndb.Source
	for _, a := range paths {
		st, err := os.Stat(a)
		if err != nil {
			return d, imported, usageErr("import %s: %w", a, err)
		}
		if !st.IsDir() && !st.Mode().IsRegular() {
			// A FIFO or device would block the read or never end.
			return d, imported, usageErr("import %s: not a regular file or directory", a)
		}
		var srcs []vulndb.Source
		if st.IsDir() {
			srcs, err = vulndb.ImportDir(d, a, now)
		} else {
			srcs, err = vulndb.ImportZip(d, a, now)
		}
		if err != nil {
			return d, imported, usageErr("import %s: %w", a, err)
		}
		imported = append(imported, srcs...)
	}
	if goVulnDB || goDir != "" {
		mdir, version := goDir, ""
		if mdir == "" {
			if mdir, version, err = vulndb.FindGoVulnDB(); err != nil {
				return d, imported, &UsageError{Err: err}
			}
		} else {
			version = moduleVersionOf(mdir)
		}
		src, err := vulndb.ImportGoVulnDB(d, mdir, version, now)
		if err != nil {
			return d, imported, usageErr("import %s: %w", mdir, err)
		}
		imported = append(imported, src)
	}
	return d, imported, nil
}

// moduleVersionOf reads the version from a module cache directory name
// (golang.org/x/vulndb@v0.0.0-...); "" when the name carries none.
func moduleVersionOf(dir string) string {
	_, v, ok := strings.Cut(filepath.Base(filepath.Clean(dir)), "@")
	if !ok {
		return ""
	}
	return v
}

// DBStatus is what the vulnerability database holds and how old it is.
type DBStatus struct {
	Dir     string
	Digest  string
	Sources []DBSource
	// Warnings name the data older than the maximum age.
	Warnings []string
}

// ReadDBStatus reads the status of the database dir (the default when
// empty), judging its age as of now. Every error is a UsageError.
func ReadDBStatus(dir string, maxAge time.Duration, now time.Time) (*DBStatus, error) {
	d, err := ResolveDBDir(dir)
	if err != nil {
		return nil, err
	}
	st, err := vulndb.Open(d)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	defer st.Close()
	return &DBStatus{Dir: d, Digest: st.Digest(), Sources: st.Meta().Sources, Warnings: st.Warnings(now, maxAge)}, nil
}
