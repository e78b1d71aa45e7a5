package image

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Package types.
const (
	TypeDeb = "deb"
	TypeApk = "apk"
	TypeGo  = "go"
)

// Package is one inventoried package.
type Package struct {
	Type    string // TypeDeb, TypeApk, TypeGo
	Name    string // binary package name, Go module path or "stdlib"
	Version string // installed version (Go: without the "v" prefix for stdlib, e.g. "1.26.8")
	// SourceName/SourceVersion: dpkg Source (with its version) or apk origin.
	SourceName    string
	SourceVersion string
	// Path of the file the package was found in (no leading slash).
	Path string
	// Layer that added the package: the first layer from which on the package
	// (same type, name, version and file) is present in every later layer's
	// filesystem. A package whose version changes in a later layer is
	// attributed to that later layer.
	LayerIndex  int
	LayerDigest v1.Hash // compressed digest as in the manifest
	LayerDiffID v1.Hash // uncompressed digest
}

func (p Package) key() string {
	return p.Type + "\x00" + p.Path + "\x00" + p.Name + "\x00" + p.Version + "\x00" + p.SourceName + "\x00" + p.SourceVersion
}

// Limits bounds the inventory work.
type Limits struct {
	// MaxBinarySize: regular files larger than this are not read for Go build
	// info (default 256 MiB).
	MaxBinarySize int64
	// MaxDBSize: dpkg/apk database files larger than this are an error
	// (default 64 MiB).
	MaxDBSize int64
	// MaxTotalBytes: upper bound of uncompressed layer bytes read over the
	// whole image (default 16 GiB).
	MaxTotalBytes int64
}

// DefaultLimits returns the default limits.
func DefaultLimits() Limits {
	return Limits{MaxBinarySize: 256 << 20, MaxDBSize: 64 << 20, MaxTotalBytes: 16 << 30}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBinarySize <= 0 {
		l.MaxBinarySize = d.MaxBinarySize
	}
	if l.MaxDBSize <= 0 {
		l.MaxDBSize = d.MaxDBSize
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = d.MaxTotalBytes
	}
	return l
}

// ErrLimit is returned (wrapped) when MaxTotalBytes or MaxDBSize is exceeded.
var ErrLimit = errors.New("image inventory limit exceeded")

// LayerError reports a layer that could not be read completely.
type LayerError struct {
	Index  int
	Digest v1.Hash
	Err    error
}

func (e *LayerError) Error() string {
	return fmt.Sprintf("layer %d (%s): %v", e.Index, e.Digest, e.Err)
}

func (e *LayerError) Unwrap() error { return e.Err }

// fileState is what we remember about an interesting file in the merged
// filesystem.
type fileState struct {
	layer int
	pkgs  []Package // parsed packages (Layer fields not yet set)
	os    *OSRelease
	// unread is set for a package database Bulwark cannot read (rpm):
	// its packages are not in the inventory, which the scan must say.
	unread bool
}

// OSRelease is the distribution from etc/os-release (or usr/lib/os-release).
type OSRelease struct {
	ID        string // "debian", "alpine", ...
	VersionID string // "12", "3.20.3"
	Name      string // PRETTY_NAME
}

// Result is the outcome of Scan.
type Result struct {
	Packages []Package
	OS       *OSRelease // nil when no os-release file is present
	// Unread are package databases present in the final filesystem that
	// the inventory does not read (rpm), sorted: their packages are
	// missing from Packages.
	Unread []string
}

// rpmDatabases are where rpm keeps its package database (BerkeleyDB,
// NDB or SQLite; /usr/lib/sysimage/rpm on newer distributions).
var rpmDatabases = []string{
	"var/lib/rpm/Packages", "var/lib/rpm/Packages.db", "var/lib/rpm/rpmdb.sqlite",
	"usr/lib/sysimage/rpm/Packages", "usr/lib/sysimage/rpm/Packages.db", "usr/lib/sysimage/rpm/rpmdb.sqlite",
}

const (
	dpkgStatus    = "var/lib/dpkg/status"
	dpkgStatusDir = "var/lib/dpkg/status.d/"
	apkInstalled  = "lib/apk/db/installed"
)

// Inventory walks img layer by layer, applies whiteouts and returns the
// packages of the final filesystem, sorted by type, name, version and path.
func Inventory(ctx context.Context, img v1.Image, lim Limits) ([]Package, error) {
	r, err := Scan(ctx, img, lim)
	if err != nil {
		return nil, err
	}
	return r.Packages, nil
}

// Scan is Inventory plus the os-release of the final filesystem.
func Scan(ctx context.Context, img v1.Image, lim Limits) (*Result, error) {
	lim = lim.withDefaults()
	layers, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("image layers: %w", err)
	}
	files := map[string]*fileState{}
	added := map[string]Package{} // key -> package with attribution
	budget := &budget{left: lim.MaxTotalBytes}

	for i, l := range layers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		dg, err := l.Digest()
		if err != nil {
			return nil, &LayerError{Index: i, Err: err}
		}
		diffID, err := l.DiffID()
		if err != nil {
			return nil, &LayerError{Index: i, Digest: dg, Err: err}
		}
		if err := applyLayer(ctx, l, i, files, lim, budget); err != nil {
			return nil, &LayerError{Index: i, Digest: dg, Err: err}
		}
		// Recompute the package set after this layer.
		now := map[string]Package{}
		for _, fs := range files {
			for _, p := range fs.pkgs {
				now[p.key()] = p
			}
		}
		next := make(map[string]Package, len(now))
		for k, p := range now {
			if prev, ok := added[k]; ok {
				next[k] = prev
				continue
			}
			p.LayerIndex, p.LayerDigest, p.LayerDiffID = i, dg, diffID
			next[k] = p
		}
		added = next
	}
	res := &Result{}
	for p, fs := range files {
		if fs != nil && fs.unread {
			res.Unread = append(res.Unread, p)
		}
	}
	sort.Strings(res.Unread)
	for _, p := range []string{"etc/os-release", "usr/lib/os-release"} {
		if fs, ok := files[p]; ok && fs != nil && fs.os != nil {
			res.OS = fs.os
			break
		}
	}
	out := make([]Package, 0, len(added))
	for _, p := range added {
		out = append(out, p)
	}
	sort.Slice(out, func(a, b int) bool {
		x, y := out[a], out[b]
		if x.Type != y.Type {
			return x.Type < y.Type
		}
		if x.Name != y.Name {
			return x.Name < y.Name
		}
		if x.Version != y.Version {
			return x.Version < y.Version
		}
		return x.Path < y.Path
	})
	res.Packages = out
	return res, nil
}

type budget struct{ left int64 }

type countingReader struct {
	r io.Reader
	b *budget
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.b.left <= 0 {
		return 0, fmt.Errorf("%w: total uncompressed bytes", ErrLimit)
	}
	if int64(len(p)) > c.b.left {
		p = p[:c.b.left]
	}
	n, err := c.r.Read(p)
	c.b.left -= int64(n)
	return n, err
}

func cleanName(n string) string {
	n = path.Clean("/" + n)
	return strings.TrimPrefix(n, "/")
}

func applyLayer(ctx context.Context, l v1.Layer, idx int, files map[string]*fileState, lim Limits, b *budget) error {
	rc, err := l.Uncompressed()
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer rc.Close()
	tr := tar.NewReader(&countingReader{r: rc, b: b})

	var whiteouts, opaque []string
	upper := map[string]*fileState{} // nil value = path replaced by a non-interesting entry
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return layerReadErr(err)
		}
		n := cleanName(h.Name)
		if n == "" {
			continue
		}
		dir, base := path.Split(n)
		if base == ".wh..wh..opq" {
			opaque = append(opaque, strings.TrimSuffix(dir, "/"))
			continue
		}
		if strings.HasPrefix(base, ".wh.") {
			whiteouts = append(whiteouts, dir+strings.TrimPrefix(base, ".wh."))
			continue
		}
		if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeRegA {
			if h.Typeflag != tar.TypeDir {
				upper[n] = nil // symlink / hardlink / device shadows a lower file
			}
			continue
		}
		fs, err := inspectFile(tr, n, h, idx, lim)
		if err != nil {
			return layerReadErr(err)
		}
		upper[n] = fs
	}
	// Whiteouts hide lower layers only.
	for _, d := range opaque {
		prefix := d + "/"
		if d == "" {
			prefix = ""
		}
		for p := range files {
			if strings.HasPrefix(p, prefix) {
				delete(files, p)
			}
		}
	}
	for _, w := range whiteouts {
		delete(files, w)
		prefix := w + "/"
		for p := range files {
			if strings.HasPrefix(p, prefix) {
				delete(files, p)
			}
		}
	}
	for p, fs := range upper {
		if fs == nil {
			delete(files, p)
		} else {
			files[p] = fs
		}
	}
	return nil
}

func layerReadErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("truncated layer: %w", err)
	}
	return err
}

var execMagics = [][]byte{
	{0x7f, 'E', 'L', 'F'},
	{'M', 'Z'},                                         // PE
	{0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf}, // Mach-O BE
	{0xce, 0xfa, 0xed, 0xfe}, {0xcf, 0xfa, 0xed, 0xfe}, // Mach-O LE
}

func readAllLimited(r io.Reader, size, max int64) ([]byte, error) {
	if size > max {
		return nil, fmt.Errorf("%w: file of %d bytes > %d", ErrLimit, size, max)
	}
	buf := make([]byte, size)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// inspectFile returns the state of an interesting file, or nil for a file
// that shadows lower entries but yields no packages.
func inspectFile(r io.Reader, n string, h *tar.Header, idx int, lim Limits) (*fileState, error) {
	fs := &fileState{layer: idx}
	switch {
	case n == "etc/os-release" || n == "usr/lib/os-release":
		data, err := readAllLimited(r, h.Size, 1<<20)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		fs.os = ParseOSRelease(data)
		return fs, nil
	case n == dpkgStatus || (strings.HasPrefix(n, dpkgStatusDir) && !strings.HasSuffix(n, ".md5sums")):
		data, err := readAllLimited(r, h.Size, lim.MaxDBSize)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		ents, err := ParseDpkgStatus(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		for _, e := range ents {
			fs.pkgs = append(fs.pkgs, Package{Type: TypeDeb, Name: e.Package, Version: e.Version, SourceName: e.Source, SourceVersion: e.SourceVersion, Path: n})
		}
		return fs, nil
	case slices.Contains(rpmDatabases, n):
		fs.unread = true
		return fs, nil
	case n == apkInstalled:
		data, err := readAllLimited(r, h.Size, lim.MaxDBSize)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		ents, err := ParseApkInstalled(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		for _, e := range ents {
			fs.pkgs = append(fs.pkgs, Package{Type: TypeApk, Name: e.Package, Version: e.Version, SourceName: e.Origin, SourceVersion: e.Version, Path: n})
		}
		return fs, nil
	case h.FileInfo().Mode().Perm()&0o111 != 0 && h.Size >= 64 && h.Size <= lim.MaxBinarySize:
		head := make([]byte, 4)
		if _, err := io.ReadFull(r, head); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		if !isExecutable(head) {
			return fs, nil // rest is skipped by tar.Reader.Next
		}
		rest, err := readAllLimited(r, h.Size-4, lim.MaxBinarySize)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		data := append(head, rest...)
		fs.pkgs = goPackages(data, n)
		return fs, nil
	}
	return fs, nil
}

func isExecutable(head []byte) bool {
	for _, m := range execMagics {
		if bytes.HasPrefix(head, m) {
			return true
		}
	}
	return false
}

// goPackages reads Go build info from a binary; non-Go binaries yield nil.
func goPackages(data []byte, p string) []Package {
	bi, err := buildinfo.Read(bytes.NewReader(data))
	if err != nil || bi == nil {
		return nil
	}
	var out []Package
	if gv := GoVersion(bi.GoVersion); gv != "" {
		out = append(out, Package{Type: TypeGo, Name: "stdlib", Version: gv, Path: p})
	}
	if bi.Main.Path != "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		out = append(out, Package{Type: TypeGo, Name: bi.Main.Path, Version: bi.Main.Version, Path: p})
	}
	for _, d := range bi.Deps {
		m := d
		if d.Replace != nil {
			m = d.Replace
		}
		if m.Path == "" || m.Version == "" {
			continue // local replace without version
		}
		out = append(out, Package{Type: TypeGo, Name: m.Path, Version: m.Version, Path: p})
	}
	return out
}

// GoVersion turns a runtime version like "go1.26.8" or "go1.22rc1 X:boringcrypto"
// into "1.26.8" / "1.22rc1". Non-release versions (devel) return "".
func GoVersion(v string) string {
	v, _, _ = strings.Cut(v, " ")
	if !strings.HasPrefix(v, "go1") {
		return ""
	}
	v = strings.TrimPrefix(v, "go")
	if i := strings.Index(v, "-"); i >= 0 { // e.g. go1.24.0-rc.1 custom builds
		v = v[:i]
	}
	return v
}
