package image

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// An image archive (docker save, or an OCI layout packed into a tar) is
// read in place: one pass indexes where each member's bytes lie, and
// blobs are then read straight from the archive. Nothing is extracted, so
// no temporary file can fill the disk or outlive a killed process, and
// finding a member costs a map lookup instead of a pass over the archive
// (which made archives of many layers quadratic).

// maxArchiveMetadata bounds the JSON documents read whole from an archive
// (manifest.json, index.json, image manifests and configs).
const maxArchiveMetadata = 16 << 20

type archiveEntry struct{ off, size int64 }

type archive struct {
	path  string
	f     *os.File
	files map[string]archiveEntry
	links map[string]string // symlink or hard link name -> target path
}

// openArchive indexes the regular files of the tar at p. Members that
// cannot be read in place (sparse ones, or data running past the end of
// the file) are errors.
func openArchive(ctx context.Context, p string, opts OpenOptions) (*archive, error) {
	maxEntries := opts.MaxArchiveEntries
	if maxEntries <= 0 {
		maxEntries = DefaultMaxArchiveEntries
	}
	if st, err := os.Stat(p); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	a := &archive{path: p, f: f, files: map[string]archiveEntry{}, links: map[string]string{}}
	fail := func(err error) (*archive, error) {
		f.Close()
		return nil, err
	}
	tr := tar.NewReader(f)
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				err = fmt.Errorf("truncated archive: %w", err)
			}
			return fail(err)
		}
		if n >= maxEntries {
			return fail(fmt.Errorf("%w: more than %d members in an image archive", ErrLimit, maxEntries))
		}
		if len(h.Name) > 4096 || len(h.Linkname) > 4096 {
			return fail(fmt.Errorf("%w: a member name longer than 4096 bytes", ErrLimit))
		}
		name := cleanName(h.Name)
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
			if isSparse(h) {
				return fail(fmt.Errorf("%s is a sparse member; image archives must not hold sparse files", name))
			}
			off, err := f.Seek(0, io.SeekCurrent)
			if err != nil {
				return fail(err)
			}
			if h.Size < 0 || off+h.Size > st.Size() {
				return fail(fmt.Errorf("truncated archive: %s declares %d bytes at offset %d of a %d-byte file", name, h.Size, off, st.Size()))
			}
			a.files[name] = archiveEntry{off: off, size: h.Size}
		case tar.TypeSymlink:
			t := h.Linkname
			if !strings.HasPrefix(t, "/") {
				t = path.Join(path.Dir(name), t)
			}
			a.links[name] = cleanName(t)
		case tar.TypeLink:
			a.links[name] = cleanName(h.Linkname)
		}
	}
	return a, nil
}

func (a *archive) Close() error { return a.f.Close() }

// entry finds a member, following links.
func (a *archive) entry(name string) (archiveEntry, bool) {
	name = cleanName(name)
	for range 16 {
		if e, ok := a.files[name]; ok {
			return e, true
		}
		t, ok := a.links[name]
		if !ok {
			break
		}
		name = t
	}
	return archiveEntry{}, false
}

func (a *archive) section(e archiveEntry) *io.SectionReader {
	return io.NewSectionReader(a.f, e.off, e.size)
}

// readSmall reads a JSON member whole, bounded.
func (a *archive) readSmall(name string) ([]byte, error) {
	e, ok := a.entry(name)
	if !ok {
		return nil, fmt.Errorf("%s: no such member", name)
	}
	if e.size > maxArchiveMetadata {
		return nil, fmt.Errorf("%w: %s has %d bytes, more than the %d allowed", ErrLimit, name, e.size, maxArchiveMetadata)
	}
	b := make([]byte, e.size)
	if _, err := a.f.ReadAt(b, e.off); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b, nil
}

func blobPath(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }

// dockerImage builds the image of a docker-archive: its manifest.json
// names a config and layer tars, for which an OCI manifest is made
// (layers are hashed once, as their digests are not in the archive).
func (a *archive) dockerImage(ctx context.Context) (v1.Image, error) {
	raw, err := a.readSmall("manifest.json")
	if err != nil {
		return nil, err
	}
	var ms []struct {
		Config string
		Layers []string
	}
	if err := json.Unmarshal(raw, &ms); err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	if len(ms) != 1 {
		return nil, fmt.Errorf("manifest.json lists %d images; Bulwark reads archives of one image", len(ms))
	}
	cfg, err := a.readSmall(ms[0].Config)
	if err != nil {
		return nil, err
	}
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		Config:        v1.Descriptor{MediaType: types.OCIConfigJSON, Size: int64(len(cfg)), Digest: sha256Hash(cfg)},
	}
	img := &archiveImage{a: a, config: cfg, layers: map[v1.Hash]*archiveLayer{}}
	for _, lp := range ms[0].Layers {
		e, ok := a.entry(lp)
		if !ok {
			return nil, fmt.Errorf("layer %s: no such member", lp)
		}
		l, err := a.hashLayer(ctx, e)
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", lp, err)
		}
		img.layers[l.digest] = l
		m.Layers = append(m.Layers, v1.Descriptor{MediaType: l.mt, Size: e.size, Digest: l.digest})
	}
	if img.manifest, err = json.Marshal(m); err != nil {
		return nil, err
	}
	img.mt = m.MediaType
	return partial.CompressedToImage(img)
}

func (a *archive) hashLayer(ctx context.Context, e archiveEntry) (*archiveLayer, error) {
	h := sha256.New()
	r := a.section(e)
	var head [4]byte
	n, _ := r.ReadAt(head[:], 0)
	if _, err := io.Copy(h, &ctxReader{ctx: ctx, r: r}); err != nil {
		return nil, err
	}
	mt := types.OCIUncompressedLayer
	switch {
	case n >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		mt = types.OCILayer
	case n == 4 && bytes.Equal(head[:], []byte{0x28, 0xb5, 0x2f, 0xfd}):
		mt = types.OCILayerZStd
	}
	return &archiveLayer{a: a, e: e, digest: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}, mt: mt}, nil
}

func sha256Hash(b []byte) v1.Hash {
	s := sha256.Sum256(b)
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(s[:])}
}

// ctxReader stops reading when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// layoutIndex is the index.json of an OCI layout archive, or an index
// blob within it.
type layoutIndex struct {
	a   *archive
	raw []byte
}

var _ v1.ImageIndex = (*layoutIndex)(nil)

func (x *layoutIndex) MediaType() (types.MediaType, error) {
	m, err := x.IndexManifest()
	if err != nil {
		return "", err
	}
	if m.MediaType != "" {
		return m.MediaType, nil
	}
	return types.OCIImageIndex, nil
}

func (x *layoutIndex) Digest() (v1.Hash, error) { return sha256Hash(x.raw), nil }
func (x *layoutIndex) Size() (int64, error)     { return int64(len(x.raw)), nil }
func (x *layoutIndex) RawManifest() ([]byte, error) {
	return x.raw, nil
}

func (x *layoutIndex) IndexManifest() (*v1.IndexManifest, error) {
	return v1.ParseIndexManifest(bytes.NewReader(x.raw))
}

func (x *layoutIndex) blob(h v1.Hash) ([]byte, error) {
	b, err := x.a.readSmall(blobPath(h))
	if err != nil {
		return nil, err
	}
	if sha256Hash(b) != h && h.Algorithm == "sha256" {
		return nil, fmt.Errorf("blob %s does not match its digest", h)
	}
	return b, nil
}

func (x *layoutIndex) ImageIndex(h v1.Hash) (v1.ImageIndex, error) {
	b, err := x.blob(h)
	if err != nil {
		return nil, err
	}
	return &layoutIndex{a: x.a, raw: b}, nil
}

func (x *layoutIndex) Image(h v1.Hash) (v1.Image, error) {
	raw, err := x.blob(h)
	if err != nil {
		return nil, err
	}
	m, err := v1.ParseManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", h, err)
	}
	cfg, err := x.blob(m.Config.Digest)
	if err != nil {
		return nil, fmt.Errorf("config of %s: %w", h, err)
	}
	img := &archiveImage{a: x.a, manifest: raw, mt: m.MediaType, config: cfg, layers: map[v1.Hash]*archiveLayer{}}
	if img.mt == "" {
		img.mt = types.OCIManifestSchema1
	}
	for _, d := range m.Layers {
		e, ok := x.a.entry(blobPath(d.Digest))
		if !ok {
			return nil, fmt.Errorf("layer %s: not in the archive", d.Digest)
		}
		if e.size != d.Size {
			return nil, fmt.Errorf("layer %s: %d bytes in the archive, the manifest says %d", d.Digest, e.size, d.Size)
		}
		img.layers[d.Digest] = &archiveLayer{a: x.a, e: e, digest: d.Digest, mt: d.MediaType}
	}
	return partial.CompressedToImage(img)
}

// archiveImage is the core go-containerregistry completes into a v1.Image.
type archiveImage struct {
	a        *archive
	manifest []byte
	mt       types.MediaType
	config   []byte
	layers   map[v1.Hash]*archiveLayer
}

func (i *archiveImage) RawConfigFile() ([]byte, error)      { return i.config, nil }
func (i *archiveImage) MediaType() (types.MediaType, error) { return i.mt, nil }
func (i *archiveImage) RawManifest() ([]byte, error)        { return i.manifest, nil }
func (i *archiveImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	if l, ok := i.layers[h]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("layer %s is not in the archive", h)
}

type archiveLayer struct {
	a      *archive
	e      archiveEntry
	digest v1.Hash
	mt     types.MediaType
}

func (l *archiveLayer) Digest() (v1.Hash, error) { return l.digest, nil }
func (l *archiveLayer) Compressed() (io.ReadCloser, error) {
	return io.NopCloser(l.a.section(l.e)), nil
}
func (l *archiveLayer) Size() (int64, error)                { return l.e.size, nil }
func (l *archiveLayer) MediaType() (types.MediaType, error) { return l.mt, nil }
