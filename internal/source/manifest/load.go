package manifest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/regularfile"
)

// Options control which files are read and how much of them.
type Options struct {
	// Exclude holds glob patterns (with ** for any depth) matched against
	// each file's path as found and against its base name.
	Exclude []string
	// MaxFileSize is the largest file read, in bytes.
	MaxFileSize int64
	Limits      Limits
	// Stdin is read for the path "-".
	Stdin io.Reader
	// Render, when set, is asked first about every path named: a Helm
	// chart or a Kustomize directory is rendered by it instead of being
	// read as plain manifests.
	Render Renderer
	// AllowEmpty accepts input that holds no Kubernetes object at all.
	// Without it such input is an error: an empty directory, or the empty
	// output of a failed `helm template ... |`, must not pass a gate.
	AllowEmpty bool
}

// DefaultMaxFileSize is far larger than any real manifest file.
const DefaultMaxFileSize = 64 << 20

// Result is everything found under the given paths.
type Result struct {
	// Objects are all objects read, NotAssessed included.
	Objects     []*inventory.Object
	Files       int
	Documents   int
	Skipped     []Skipped
	NotAssessed []NotAssessed
	// Unread are files found in a directory that were not read: FIFOs,
	// devices and sockets, which could block or never end.
	Unread []Skipped
	Errors []*Error
	// Bytes is the size of everything read.
	Bytes int64
}

// Load reads paths (files, directories searched recursively for .yaml,
// .yml and .json, or "-" for standard input). Problems with single files
// are collected in Result.Errors so that the other files are still
// scanned; only a bad exclude pattern is returned as an error.
func Load(ctx context.Context, paths []string, opt Options) (*Result, error) {
	if opt.MaxFileSize <= 0 {
		opt.MaxFileSize = DefaultMaxFileSize
	}
	if opt.Limits == (Limits{}) {
		opt.Limits = DefaultLimits
	}
	for _, pat := range opt.Exclude {
		if !doublestar.ValidatePattern(filepath.ToSlash(pat)) {
			return nil, fmt.Errorf("--exclude %q: bad glob pattern", pat)
		}
	}
	res := &Result{}
	rendered, paths, inCharts := renderPaths(paths, opt, res)
	opt.Exclude = append(slices.Clip(opt.Exclude), inCharts...)
	files := collect(paths, opt, res)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// One expansion budget for the whole run: per file or per document, a
	// directory or a List of bombs would get a fresh allowance for each.
	b := newBudget(opt.Limits)
	parsed := make([]Parsed, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	workers := min(runtime.GOMAXPROCS(0), max(len(files), 1))
	for range workers {
		wg.Go(func() {
			for i := range next {
				parsed[i] = readAndParse(files[i], opt, b)
			}
		})
	}
feed:
	for i := range files {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	for _, p := range parsed {
		res.Objects = append(res.Objects, p.Objects...)
		res.Documents += p.Documents
		res.Bytes += p.bytes
		res.Skipped = append(res.Skipped, p.Skipped...)
		res.NotAssessed = append(res.NotAssessed, p.NotAssessed...)
		res.Errors = append(res.Errors, p.Errors...)
	}
	for _, r := range rendered {
		p := parseRendered(r, b)
		res.Objects = append(res.Objects, p.Objects...)
		res.Documents += p.Documents
		res.Skipped = append(res.Skipped, p.Skipped...)
		res.NotAssessed = append(res.NotAssessed, p.NotAssessed...)
		res.Errors = append(res.Errors, p.Errors...)
	}
	res.Files = len(files) + len(rendered)
	if len(res.Objects) == len(res.NotAssessed) && len(res.Errors) == 0 && !opt.AllowEmpty {
		res.Errors = append(res.Errors, emptyError(paths, res))
	}
	return res, nil
}

// count is "1 file", "2 files".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// emptyError says that nothing was found to check, and what was looked at.
func emptyError(paths []string, res *Result) *Error {
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = displayName(p)
	}
	msg := fmt.Sprintf("no Kubernetes objects found (%s, %s, %d skipped as not Kubernetes objects): nothing was checked",
		count(res.Files, "file"), count(res.Documents, "document"), len(res.Skipped))
	if n := len(res.NotAssessed); n > 0 {
		msg = fmt.Sprintf("no Kubernetes object Bulwark can assess (%s, %s; %s of kinds it has no checks for, listed as not assessed): nothing was checked",
			count(res.Files, "file"), count(res.Documents, "document"), count(n, "object"))
	}
	if slices.Contains(paths, "-") {
		msg += "; if a command pipes into bulwark, check that it succeeded"
	}
	return &Error{File: strings.Join(names, ", "), Msg: msg + "; pass --allow-empty if empty input is expected"}
}

func collect(paths []string, opt Options, res *Result) []string {
	var files []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, root := range paths {
		if root == "-" {
			add(root)
			continue
		}
		info, err := os.Stat(root)
		if err != nil {
			res.Errors = append(res.Errors, &Error{File: root, Msg: describeFSError(err)})
			continue
		}
		if !info.IsDir() {
			// A file named on the command line is read whatever its
			// extension: the user asked for it. Anything but a regular file
			// (a FIFO, a device) could block or never end.
			switch {
			case excluded(root, opt.Exclude):
			case !info.Mode().IsRegular():
				res.Errors = append(res.Errors, &Error{File: root, Msg: notRegular(info.Mode())})
			default:
				add(root)
			}
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				res.Errors = append(res.Errors, &Error{File: p, Msg: describeFSError(err)})
				return nil
			}
			if excluded(p, opt.Exclude) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if p != root && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir // .git, .github and friends hold no manifests to deploy
				}
				return nil
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".yaml", ".yml", ".json":
			default:
				return nil
			}
			mode := d.Type()
			if mode&fs.ModeSymlink != 0 {
				info, err := os.Stat(p)
				if err != nil {
					res.Errors = append(res.Errors, &Error{File: p, Msg: describeFSError(err)})
					return nil
				}
				mode = info.Mode()
			}
			if !mode.IsRegular() {
				res.Unread = append(res.Unread, Skipped{File: p, Reason: notRegular(mode) + "; not read"})
				return nil
			}
			add(p)
			return nil
		})
		if err != nil {
			res.Errors = append(res.Errors, &Error{File: root, Msg: describeFSError(err)})
		}
	}
	return files
}

func excluded(p string, patterns []string) bool {
	slash := filepath.ToSlash(filepath.Clean(p))
	base := filepath.Base(p)
	for _, pat := range patterns {
		pat = filepath.ToSlash(pat)
		if ok, _ := doublestar.Match(pat, slash); ok {
			return true
		}
		if ok, _ := doublestar.Match(pat, base); ok {
			return true
		}
	}
	return false
}

func readAndParse(name string, opt Options, b *budget) Parsed {
	data, err := readLimited(name, opt)
	if err != nil {
		return Parsed{Errors: []*Error{{File: displayName(name), Msg: err.Error()}}}
	}
	p := parse(displayName(name), data, b)
	p.bytes = int64(len(data))
	return p
}

func displayName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}

func readLimited(name string, opt Options) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		if opt.Stdin == nil {
			return nil, fmt.Errorf("no standard input")
		}
		r = opt.Stdin
	} else {
		f, info, err := regularfile.Open(name)
		if err != nil {
			var nr *regularfile.NotRegularError
			if errors.As(err, &nr) {
				return nil, errors.New(notRegular(nr.Mode))
			}
			return nil, fmt.Errorf("%s", describeFSError(err))
		}
		defer f.Close()
		if info.Size() > opt.MaxFileSize {
			return nil, fmt.Errorf("file is %s, larger than the %s limit (--max-file-size)", humanBytes(info.Size()), humanBytes(opt.MaxFileSize))
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, opt.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read: %v", err)
	}
	if int64(len(data)) > opt.MaxFileSize {
		return nil, fmt.Errorf("input is larger than the %s limit (--max-file-size)", humanBytes(opt.MaxFileSize))
	}
	return data, nil
}

// notRegular says why a file is not read.
func notRegular(mode fs.FileMode) string {
	return (&regularfile.NotRegularError{Mode: mode}).Error() + " (use - for standard input)"
}

func describeFSError(err error) string {
	switch {
	case os.IsNotExist(err):
		return "no such file or directory"
	case os.IsPermission(err):
		return "permission denied"
	}
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

var humanBytes = regularfile.HumanBytes
