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
	// GOOS and GOARCH a Go binary was built for (its build settings);
	// advisories limited to other platforms do not apply to it.
	GOOS   string `json:",omitempty"`
	GOARCH string `json:",omitempty"`
}

func (p Package) key() string {
	return p.Type + "\x00" + p.Path + "\x00" + p.Name + "\x00" + p.Version + "\x00" + p.SourceName + "\x00" + p.SourceVersion
}

// Limits bounds the inventory of one image. Every bound is an error
// wrapping ErrLimit that names the limit: an image beyond them is not
// assessed, never partly assessed.
type Limits struct {
	// MaxBinarySize: regular files larger than this are not read for Go build
	// info (default 256 MiB).
	MaxBinarySize int64
	// MaxDBSize: dpkg/apk database files larger than this are an error
	// (default 64 MiB).
	MaxDBSize int64
	// MaxTotalBytes: upper bound of uncompressed layer bytes read over the
	// whole image, sizes declared by tar headers included (default 16 GiB).
	MaxTotalBytes int64
	// MaxLayers bounds the layers of one image (default 1000; Docker and
	// containerd stop near 128).
	MaxLayers int
	// MaxFiles bounds the tar entries over all layers (default 2,000,000).
	MaxFiles int
	// MaxFileSize bounds the size a tar header declares for one file
	// (default 8 GiB).
	MaxFileSize int64
	// MaxPathLen bounds an entry's name (default 4096, Linux's PATH_MAX).
	MaxPathLen int
}

// DefaultLimits returns the default limits.
func DefaultLimits() Limits {
	return Limits{MaxBinarySize: 256 << 20, MaxDBSize: 64 << 20, MaxTotalBytes: 16 << 30,
		MaxLayers: 1000, MaxFiles: 2_000_000, MaxFileSize: 8 << 30, MaxPathLen: 4096}
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
	if l.MaxLayers <= 0 {
		l.MaxLayers = d.MaxLayers
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = d.MaxFiles
	}
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = d.MaxFileSize
	}
	if l.MaxPathLen <= 0 {
		l.MaxPathLen = d.MaxPathLen
	}
	return l
}

// ErrLimit is returned (wrapped) when a Limits bound is exceeded.
var ErrLimit = errors.New("image limit exceeded")

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

func (fs *fileState) interesting() bool {
	return len(fs.pkgs) > 0 || fs.os != nil || fs.unread
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
//
// Layers are applied bottom-up to a tree that holds only the files the
// inventory reads (package databases, os-release, Go binaries) and their
// directories. A whiteout, an opaque directory or a file replacing a
// directory cuts a subtree off in one step, and the package set is kept up
// to date as files come and go, so the work is linear in the entries of
// the image, whatever mix of whiteouts and layers it has.
func Scan(ctx context.Context, img v1.Image, lim Limits) (*Result, error) {
	lim = lim.withDefaults()
	layers, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("image layers: %w", err)
	}
	if len(layers) > lim.MaxLayers {
		return nil, fmt.Errorf("%w: %d layers, more than the %d layers allowed per image", ErrLimit, len(layers), lim.MaxLayers)
	}
	// Diff ids come from the config in one read: asking each layer makes
	// some implementations re-read the manifest and config per layer.
	var diffIDs []v1.Hash
	if cf, err := img.ConfigFile(); err == nil && cf != nil && len(cf.RootFS.DiffIDs) == len(layers) {
		diffIDs = cf.RootFS.DiffIDs
	}
	st := &state{root: &node{}, present: map[string]Package{}, lim: lim, left: lim.MaxTotalBytes, files: lim.MaxFiles}
	for i, l := range layers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		dg, err := l.Digest()
		if err != nil {
			return nil, &LayerError{Index: i, Err: err}
		}
		var diffID v1.Hash
		if diffIDs != nil {
			diffID = diffIDs[i]
		} else if diffID, err = l.DiffID(); err != nil {
			return nil, &LayerError{Index: i, Digest: dg, Err: err}
		}
		if err := st.applyLayer(ctx, l, i, dg, diffID); err != nil {
			return nil, &LayerError{Index: i, Digest: dg, Err: err}
		}
	}
	res := &Result{}
	st.root.walk("", func(p string, fs *fileState) {
		if fs.unread {
			res.Unread = append(res.Unread, p)
		}
	})
	sort.Strings(res.Unread)
	for _, p := range []string{"etc/os-release", "usr/lib/os-release"} {
		if n := st.root.find(p); n != nil && n.fs != nil && n.fs.os != nil {
			res.OS = n.fs.os
			break
		}
	}
	out := make([]Package, 0, len(st.present))
	for _, p := range st.present {
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

// node is a directory or file of the merged filesystem that is, or leads
// to, a file the inventory read.
type node struct {
	kids map[string]*node
	fs   *fileState
}

func (n *node) find(p string) *node {
	for _, c := range strings.Split(p, "/") {
		if n = n.kids[c]; n == nil {
			return nil
		}
	}
	return n
}

// walk calls f for every file below n, with its path.
func (n *node) walk(prefix string, f func(string, *fileState)) {
	if n.fs != nil {
		f(prefix, n.fs)
	}
	for name, k := range n.kids {
		p := name
		if prefix != "" {
			p = prefix + "/" + name
		}
		k.walk(p, f)
	}
}

// state is the merged filesystem while layers are applied.
type state struct {
	root *node
	// present are the packages of the merged filesystem, by key, with the
	// layer that added them.
	present map[string]Package
	// removed holds, while a layer is applied, the packages it took away,
	// so that a file rewritten with the same packages keeps their layer.
	removed map[string]Package
	lim     Limits
	left    int64 // uncompressed bytes still allowed
	files   int   // tar entries still allowed
}

func (s *state) drop(fs *fileState) {
	for _, p := range fs.pkgs {
		k := p.key()
		if a, ok := s.present[k]; ok {
			s.removed[k] = a
			delete(s.present, k)
		}
	}
}

func (s *state) dropTree(n *node) {
	n.walk("", func(_ string, fs *fileState) { s.drop(fs) })
}

// hide applies an entry of an upper layer to the lower ones: a whiteout or
// a non-directory hides the path and everything below it, an opaque
// directory everything below it, a directory only a file at its path.
func (s *state) hide(p string, how hideKind) {
	parent, n := s.root, s.root
	base := ""
	if p != "" {
		dir, b := path.Split(p)
		if dir != "" {
			if parent = s.root.find(strings.TrimSuffix(dir, "/")); parent == nil {
				return
			}
		}
		base = b
		if n = parent.kids[base]; n == nil {
			return
		}
	}
	switch how {
	case hidePath:
		s.dropTree(n)
		if n == s.root {
			s.root.kids, s.root.fs = nil, nil
		} else {
			delete(parent.kids, base)
		}
	case hideBelow:
		for _, k := range n.kids {
			s.dropTree(k)
		}
		n.kids = nil
	case hideFile:
		if n.fs != nil {
			s.drop(n.fs)
			n.fs = nil
		}
	}
}

type hideKind int

const (
	hidePath hideKind = iota
	hideBelow
	hideFile
)

func (s *state) add(p string, fs *fileState, layer int, dg, diffID v1.Hash) {
	n := s.root
	for _, c := range strings.Split(p, "/") {
		k := n.kids[c]
		if k == nil {
			if n.kids == nil {
				n.kids = map[string]*node{}
			}
			k = &node{}
			n.kids[c] = k
		}
		n = k
	}
	if n.fs != nil {
		s.drop(n.fs)
	}
	n.fs = fs
	for _, p := range fs.pkgs {
		k := p.key()
		if a, ok := s.removed[k]; ok {
			s.present[k] = a
			delete(s.removed, k)
			continue
		}
		if _, ok := s.present[k]; !ok {
			p.LayerIndex, p.LayerDigest, p.LayerDiffID = layer, dg, diffID
			s.present[k] = p
		}
	}
}

type hideOp struct {
	path string
	how  hideKind
}

type addOp struct {
	path string
	fs   *fileState
}

// countingReader charges the bytes read to the image's budget and stops
// when the scan's context ends, so that neither a long layer nor a large
// file outlives --image-timeout.
type countingReader struct {
	ctx context.Context
	r   io.Reader
	s   *state
}

func (c *countingReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if c.s.left <= 0 {
		return 0, fmt.Errorf("%w: more than %d uncompressed bytes per image", ErrLimit, c.s.lim.MaxTotalBytes)
	}
	if int64(len(p)) > c.s.left {
		p = p[:c.s.left]
	}
	n, err := c.r.Read(p)
	c.s.left -= int64(n)
	return n, err
}

func cleanName(n string) string {
	n = path.Clean("/" + n)
	return strings.TrimPrefix(n, "/")
}

// isSparse reports a GNU or PAX sparse entry. The OCI image spec advises
// against them and their declared size is not what the layer holds, so a
// tiny layer could declare gigabytes of holes.
func isSparse(h *tar.Header) bool {
	if h.Typeflag == tar.TypeGNUSparse {
		return true
	}
	for k := range h.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return true
		}
	}
	return false
}

func (s *state) applyLayer(ctx context.Context, l v1.Layer, idx int, dg, diffID v1.Hash) error {
	rc, err := l.Uncompressed()
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer rc.Close()
	tr := tar.NewReader(&countingReader{ctx: ctx, r: rc, s: s})

	// Entries of this layer hide lower layers only: collect first, apply
	// after the layer is read. Only paths the tree holds (files the
	// inventory read, and their directories) can hide anything, so the
	// rest are not kept.
	var hides []hideOp
	hide := func(p string, how hideKind) {
		if p == "" || s.root.find(p) != nil {
			hides = append(hides, hideOp{p, how})
		}
	}
	var adds []addOp
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
		if s.files--; s.files < 0 {
			return fmt.Errorf("%w: more than %d files per image", ErrLimit, s.lim.MaxFiles)
		}
		if len(h.Name) > s.lim.MaxPathLen {
			return fmt.Errorf("%w: a path of %d bytes, longer than the %d allowed", ErrLimit, len(h.Name), s.lim.MaxPathLen)
		}
		if h.Size > s.lim.MaxFileSize {
			return fmt.Errorf("%w: %s declares %d bytes, more than the %d allowed per file", ErrLimit, cleanName(h.Name), h.Size, s.lim.MaxFileSize)
		}
		if isSparse(h) {
			return fmt.Errorf("%s is a sparse file; image layers must not hold sparse files", cleanName(h.Name))
		}
		if h.Size > s.left {
			return fmt.Errorf("%w: %s declares %d bytes, more than the %d uncompressed bytes per image", ErrLimit, cleanName(h.Name), h.Size, s.lim.MaxTotalBytes)
		}
		n := cleanName(h.Name)
		if n == "" {
			continue
		}
		dir, base := path.Split(n)
		if base == ".wh..wh..opq" {
			hide(strings.TrimSuffix(dir, "/"), hideBelow)
			continue
		}
		if strings.HasPrefix(base, ".wh.") {
			hide(dir+strings.TrimPrefix(base, ".wh."), hidePath)
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			hide(n, hideFile)
			continue
		case tar.TypeReg, tar.TypeRegA:
		default:
			hide(n, hidePath) // symlink / hardlink / device shadows a lower file or tree
			continue
		}
		hide(n, hidePath)
		fs, err := inspectFile(tr, n, h, idx, s.lim)
		if err != nil {
			return layerReadErr(err)
		}
		if fs.interesting() {
			adds = append(adds, addOp{n, fs})
		}
	}
	s.removed = map[string]Package{}
	for i, op := range hides {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		s.hide(op.path, op.how)
	}
	for _, op := range adds {
		s.add(op.path, op.fs, idx, dg, diffID)
	}
	s.removed = nil
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
		return nil, fmt.Errorf("%w: a file of %d bytes, more than the %d allowed", ErrLimit, size, max)
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
	var goos, goarch string
	for _, s := range bi.Settings {
		switch s.Key {
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		}
	}
	var out []Package
	if gv := GoVersion(bi.GoVersion); gv != "" {
		out = append(out, Package{Type: TypeGo, Name: "stdlib", Version: gv, Path: p, GOOS: goos, GOARCH: goarch})
	}
	if bi.Main.Path != "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		out = append(out, Package{Type: TypeGo, Name: bi.Main.Path, Version: bi.Main.Version, Path: p, GOOS: goos, GOARCH: goarch})
	}
	for _, d := range bi.Deps {
		m := d
		if d.Replace != nil {
			m = d.Replace
		}
		if m.Path == "" || m.Version == "" {
			continue // local replace without version
		}
		out = append(out, Package{Type: TypeGo, Name: m.Path, Version: m.Version, Path: p, GOOS: goos, GOARCH: goarch})
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
