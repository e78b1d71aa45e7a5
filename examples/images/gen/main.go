// Command gen writes examples/images/app, the OCI image layout of a small
// Debian 12 image used by the image-scan example. The layout is committed;
// run this again only to change the image:
//
//	go run ./examples/images/gen examples/images/app
package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const status = `Package: base-files
Status: install ok installed
Version: 12.4+deb12u5

Package: libssl3
Status: install ok installed
Version: 3.0.11-1~deb12u2
Source: openssl

Package: openssl
Status: install ok installed
Version: 3.0.11-1~deb12u2

Package: libcurl4
Status: install ok installed
Version: 7.88.1-10+deb12u5
Source: curl

Package: zlib1g
Status: install ok installed
Version: 1:1.2.13.dfsg-1
Source: zlib

Package: libexpat1
Status: install ok installed
Version: 2.5.0-1+deb12u1
Source: expat
`

func layer(files map[string]string) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		body := files[name]
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			return nil, err
		}
		if _, err := io.WriteString(tw, body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
}

func run(dir string) error {
	base, err := layer(map[string]string{
		"etc/os-release":      "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n",
		"var/lib/dpkg/status": status,
	})
	if err != nil {
		return err
	}
	app, err := layer(map[string]string{"srv/app/index.html": "<h1>shop</h1>\n"})
	if err != nil {
		return err
	}
	cfg, err := mutate.ConfigFile(empty.Image, &v1.ConfigFile{OS: "linux", Architecture: "amd64", RootFS: v1.RootFS{Type: "layers"},
		Config: v1.Config{Labels: map[string]string{"org.opencontainers.image.title": "shop-web"}}})
	if err != nil {
		return err
	}
	img, err := mutate.AppendLayers(mutate.MediaType(cfg, types.OCIManifestSchema1), base, app)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	return p.AppendImage(img)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gen DIR")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
