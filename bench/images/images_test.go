// Package images benchmarks the image scan: an image of about 200 MB with
// 500 packages against a 50,000-advisory database must be assessed in under
// 2 s cold (nothing cached, database opened in the timed part) and under
// 50 ms warm (same digest, same database: the result cache).
//
//	go test -run='^$' -bench=. -benchtime=5x ./bench/images/
package images

import (
	"archive/zip"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/vulndb"
)

const (
	packages   = 500
	advisories = 50_000
	imageBytes = 200 << 20
	layers     = 8
)

type fixture struct {
	ref   string
	dbDir string
}

var (
	once sync.Once
	fx   fixture
)

// setup pushes the image to an in-process registry and imports the
// database; both are shared by the benchmarks and not timed.
func setup(b *testing.B) fixture {
	once.Do(func() {
		// The registry lives as long as the process: b.Cleanup would stop
		// it after the first benchmark.
		srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
		host := strings.TrimPrefix(srv.URL, "http://")
		var ls []v1.Layer
		// The package database in the first layer, then 200 MB of content
		// that gzip shrinks by about a quarter (base64 of random bytes),
		// like libraries and binaries: decompression costs what it would.
		var status strings.Builder
		for i := range packages {
			fmt.Fprintf(&status, "Package: lib%04d\nStatus: install ok installed\nVersion: 1.%d-1\nSource: src%04d\n\n", i, i%7, i)
		}
		ls = append(ls, imagetest.Layer(b,
			imagetest.File{Name: "etc/os-release", Content: []byte("ID=debian\nVERSION_ID=\"12\"\n")},
			imagetest.File{Name: "var/lib/dpkg/status", Content: []byte(status.String())}))
		for i := range layers {
			raw := make([]byte, imageBytes/layers*3/4)
			_, _ = rand.Read(raw)
			blob := []byte(base64.StdEncoding.EncodeToString(raw))
			ls = append(ls, imagetest.Layer(b, imagetest.File{Name: fmt.Sprintf("opt/data/%d.bin", i), Content: blob}))
		}
		fx.ref = host + "/bench/app:1"
		imagetest.Push(b, fx.ref, imagetest.Image(b, "amd64", nil, ls...))

		// 50,000 advisories over 25,000 source packages; each of the 500
		// installed ones has two, one of which affects it.
		zpath := filepath.Join(b.TempDir(), "all.zip")
		f, err := os.Create(zpath)
		if err != nil {
			b.Fatal(err)
		}
		zw := zip.NewWriter(f)
		for i := range advisories {
			pkg := fmt.Sprintf("src%04d", i%(advisories/2))
			fixed := "1.0-1"
			if i < advisories/2 {
				fixed = "9.0-1"
			}
			e := map[string]any{"id": fmt.Sprintf("DSA-%05d-1", i), "modified": "2026-11-20T00:00:00Z", "summary": "benchmark advisory",
				"affected": []any{map[string]any{"package": map[string]string{"ecosystem": "Debian:12", "name": pkg},
					"ranges": []any{map[string]any{"type": "ECOSYSTEM", "events": []any{map[string]string{"introduced": "0"}, map[string]string{"fixed": fixed}}}}}}}
			w, err := zw.Create(e["id"].(string) + ".json")
			if err != nil {
				b.Fatal(err)
			}
			if err := json.NewEncoder(w).Encode(e); err != nil {
				b.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			b.Fatal(err)
		}
		f.Close()
		fx.dbDir, err = os.MkdirTemp("", "bulwark-bench-vulndb-")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := vulndb.ImportZip(fx.dbDir, zpath, time.Now()); err != nil {
			b.Fatal(err)
		}
	})
	return fx
}

func scanOnce(b *testing.B, fx fixture, cacheDir string) *imagescan.Result {
	store, err := vulndb.Open(fx.dbDir)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	res := imagescan.Scan(context.Background(), []imagescan.Target{{Ref: fx.ref}}, imagescan.Options{DB: store, Cache: &imagescan.Cache{Dir: cacheDir}})
	r := res[0]
	if r.Err != "" || len(r.Vulnerabilities) != packages || r.Packages != packages {
		b.Fatalf("scan: err %q, %d packages, %d vulnerabilities", r.Err, r.Packages, len(r.Vulnerabilities))
	}
	return r
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fx.dbDir != "" {
		os.RemoveAll(fx.dbDir)
	}
	os.Exit(code)
}

func BenchmarkScanImageCold(b *testing.B) {
	fx := setup(b)
	for b.Loop() {
		b.StopTimer()
		cache := b.TempDir()
		b.StartTimer()
		if r := scanOnce(b, fx, cache); r.Cached {
			b.Fatal("cold scan hit the cache")
		}
	}
}

func BenchmarkScanImageWarm(b *testing.B) {
	fx := setup(b)
	cache := b.TempDir()
	scanOnce(b, fx, cache)
	for b.Loop() {
		if r := scanOnce(b, fx, cache); !r.Cached {
			b.Fatal("warm scan missed the cache")
		}
	}
}
