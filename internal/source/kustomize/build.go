package kustomize

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/api/konfig"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/bulwark-sec/bulwark/internal/regularfile"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

// originAnnotation is where Kustomize records the file an object came
// from (buildMetadata: [originAnnotations]).
const originAnnotation = "config.kubernetes.io/origin"

// kustomizationFile is the kustomization file in dir, "" when there is none.
func kustomizationFile(dir string) string {
	for _, n := range konfig.RecognizedKustomizationFileNames() {
		if info, err := os.Stat(filepath.Join(dir, n)); err == nil && info.Mode().IsRegular() {
			return filepath.Join(dir, n)
		}
	}
	return ""
}

// IsKustomization reports whether p is a directory with a kustomization file.
func IsKustomization(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.IsDir() && kustomizationFile(p) != ""
}

// Limits bound one build. Kustomize reads files through Bulwark's file
// system, so each read is checked before it happens: a FIFO would block
// the build forever and a sparse file would be read whole.
type Limits struct {
	// MaxFileSize is the largest file the build may read.
	MaxFileSize int64
	// MaxRead is the most bytes all the files read together may hold.
	MaxRead int64
	// MaxOutput is the most bytes the built objects may hold, all together:
	// a base named by many overlays is copied into each.
	MaxOutput int64
}

// DefaultLimits match the manifest loader's file limit; real
// kustomizations read and build a few MiB.
var DefaultLimits = Limits{MaxFileSize: manifest.DefaultMaxFileSize, MaxRead: 256 << 20, MaxOutput: 64 << 20}

// Build builds the kustomization in dir. Each object is one document named
// by the file it came from (dir joined with its origin), with that file's
// text for locating lines; objects made by a generator name the
// kustomization that configured it.
func Build(dir string, lim Limits) ([]manifest.Rendered, error) {
	if lim.MaxFileSize <= 0 {
		lim.MaxFileSize = DefaultLimits.MaxFileSize
	}
	if lim.MaxRead <= 0 {
		lim.MaxRead = DefaultLimits.MaxRead
	}
	if lim.MaxOutput <= 0 {
		lim.MaxOutput = DefaultLimits.MaxOutput
	}
	if err := checkLocal(dir, map[string]bool{}, 0, lim.MaxFileSize); err != nil {
		return nil, err
	}
	root, err := filepath.Abs(kustomizationFile(dir))
	if err != nil {
		return nil, err
	}
	opts := krusty.MakeDefaultOptions()
	opts.LoadRestrictions = types.LoadRestrictionsRootOnly
	disk := &bounded{FileSystem: filesys.MakeFsOnDisk(), lim: lim}
	fsys := withOrigins{FileSystem: disk, root: root}
	m, err := krusty.MakeKustomizer(opts).Run(fsys, dir)
	if disk.err != nil {
		// The limit is the cause; Kustomize's wrapping of it only hides that.
		return nil, fmt.Errorf("kustomize build stopped: %w", disk.err)
	}
	if err != nil {
		return nil, fmt.Errorf("kustomize build failed: %w", err)
	}
	sources := map[string][]byte{}
	var out []manifest.Rendered
	var built int64
	for _, r := range m.Resources() {
		name := dir
		if o, err := r.GetOrigin(); err == nil && o != nil {
			switch {
			case o.Path != "":
				name = filepath.Join(dir, filepath.FromSlash(o.Path))
			case o.ConfiguredIn != "":
				name = filepath.Join(dir, filepath.FromSlash(o.ConfiguredIn))
			}
		}
		// The annotation was asked for by Bulwark, not by the user: the
		// object scanned is the one `kustomize build` prints.
		ann := r.GetAnnotations()
		delete(ann, originAnnotation)
		if err := r.SetAnnotations(ann); err != nil {
			return nil, err
		}
		data, err := r.AsYAML()
		if err != nil {
			return nil, err
		}
		if built += int64(len(data)); built > lim.MaxOutput {
			return nil, fmt.Errorf("kustomize build of %s makes more than %d MiB of objects: stopped", dir, lim.MaxOutput>>20)
		}
		src, ok := sources[name]
		if !ok {
			src, _ = readBounded(name, lim.MaxFileSize) // nil (no lines) when it is not a file
			sources[name] = src
		}
		out = append(out, manifest.Rendered{Name: name, Data: data, Source: src})
	}
	return out, nil
}

// withOrigins is the disk with `buildMetadata: [originAnnotations]` added
// to the root kustomization, as if the user had written it.
type withOrigins struct {
	filesys.FileSystem
	root string
}

func (w withOrigins) ReadFile(p string) ([]byte, error) {
	data, err := w.FileSystem.ReadFile(p)
	if err != nil {
		return nil, err
	}
	if abs, err := filepath.Abs(p); err != nil || abs != w.root {
		return data, nil
	}
	var k map[string]any
	if err := yaml.Unmarshal(data, &k); err != nil || k == nil {
		return data, nil // kustomize reports the syntax error
	}
	meta, _ := k["buildMetadata"].([]any)
	if !slices.Contains(meta, any(types.OriginAnnotations)) {
		k["buildMetadata"] = append(meta, types.OriginAnnotations)
	}
	return yaml.Marshal(k)
}

// bounded is the disk with every file read checked first: a regular file
// within MaxFileSize, and all reads together within MaxRead. The first
// refusal is kept so that Build reports it rather than Kustomize's
// rewording.
type bounded struct {
	filesys.FileSystem
	lim  Limits
	read int64
	err  error
}

func (b *bounded) ReadFile(p string) ([]byte, error) {
	data, err := readBounded(p, b.lim.MaxFileSize)
	if err != nil {
		var lerr *limitError
		if errors.As(err, &lerr) && b.err == nil {
			b.err = err
		}
		return nil, err
	}
	if b.read += int64(len(data)); b.read > b.lim.MaxRead {
		err := &limitError{fmt.Sprintf("the kustomization reads more than %d MiB in all", b.lim.MaxRead>>20)}
		if b.err == nil {
			b.err = err
		}
		return nil, err
	}
	return data, nil
}

// limitError is a refusal by a limit, as opposed to a file that is absent.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

// readBounded reads p if it is a regular file of at most max bytes.
func readBounded(p string, max int64) ([]byte, error) {
	data, err := regularfile.Read(p, max)
	var nr *regularfile.NotRegularError
	var tl *regularfile.TooLargeError
	if errors.As(err, &nr) || errors.As(err, &tl) {
		return nil, &limitError{p + ": " + err.Error()}
	}
	return data, err
}

// maxDepth bounds the chain of bases and components followed.
const maxDepth = 64

// checkLocal refuses a kustomization that names anything remote, in dir
// or in the local bases and components it names.
func checkLocal(dir string, seen map[string]bool, depth int, maxFile int64) error {
	abs, err := filepath.Abs(dir)
	if err != nil || seen[abs] {
		return nil
	}
	seen[abs] = true
	if depth > maxDepth {
		return fmt.Errorf("%s: bases nest more than %d deep", dir, maxDepth)
	}
	file := kustomizationFile(dir)
	if file == "" {
		return nil
	}
	data, err := readBounded(file, maxFile)
	if err != nil {
		var lerr *limitError
		if errors.As(err, &lerr) {
			return err
		}
		return nil // kustomize reports it
	}
	var k struct {
		Resources  []string `json:"resources"`
		Bases      []string `json:"bases"`
		Components []string `json:"components"`
	}
	if yaml.Unmarshal(data, &k) != nil {
		return nil
	}
	for _, e := range slices.Concat(k.Resources, k.Bases, k.Components) {
		local := filepath.Join(dir, e)
		if remote(e, local) {
			return fmt.Errorf("%s names the remote resource %q: Bulwark works offline and does not fetch it; run `kustomize build %s | bulwark scan manifests -`", file, e, dir)
		}
		if info, err := os.Stat(local); err == nil && info.IsDir() {
			if err := checkLocal(local, seen, depth+1, maxFile); err != nil {
				return err
			}
		}
	}
	return nil
}

// remote is Kustomize's notion of a remote entry: a URL, a git address,
// or a host-qualified repository path (github.com/org/repo//dir) that is
// not on disk.
func remote(entry, local string) bool {
	if strings.Contains(entry, "://") || strings.HasPrefix(entry, "git@") || strings.HasPrefix(entry, "git::") {
		return true
	}
	if _, err := os.Stat(local); err == nil {
		return false
	}
	first, rest, found := strings.Cut(entry, "/")
	return found && rest != "" && strings.Contains(first, ".") && first != "." && first != ".."
}
