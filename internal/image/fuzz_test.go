package image_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/image"
	"github.com/bulwark-sec/bulwark/internal/image/imagetest"
)

func FuzzParseDpkgStatus(f *testing.F) {
	f.Add([]byte(dpkgBase))
	f.Add([]byte(dpkgUpgraded))
	f.Add([]byte(distrolessBaseFiles))
	f.Add([]byte("Package: a\nSource: b (\nVersion: 1\n\n\n:\n \n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ents, _ := image.ParseDpkgStatus(data)
		for _, e := range ents {
			if e.Package == "" || e.Version == "" || e.Source == "" || e.SourceVersion == "" {
				t.Fatalf("incomplete entry %+v", e)
			}
		}
	})
}

func FuzzParseApkInstalled(f *testing.F) {
	f.Add([]byte(apkDB))
	f.Add([]byte("P:a\nV:1\no:\n\nP:\nV:2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ents, _ := image.ParseApkInstalled(data)
		for _, e := range ents {
			if e.Package == "" || e.Version == "" || e.Origin == "" {
				t.Fatalf("incomplete entry %+v", e)
			}
		}
	})
}

func FuzzParseOSRelease(f *testing.F) {
	f.Add([]byte("ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"))
	f.Add([]byte("ID='alpine'\nVERSION_ID=3.20.3\n# comment\n=\n\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = image.ParseOSRelease(data)
	})
}

// FuzzOpenTarball feeds arbitrary bytes as an image archive: a clear error
// or an image, never a panic or a hang.
func FuzzOpenTarball(f *testing.F) {
	f.Add([]byte("not a tar"))
	f.Add(imagetest.TarBytes(f, imagetest.File{Name: "manifest.json", Content: []byte(`[{"Config":"c.json","Layers":["l.tar"]}]`)}))
	f.Add(imagetest.TarBytes(f, imagetest.File{Name: "index.json", Content: []byte(`{"schemaVersion":2,"manifests":[]}`)}, imagetest.File{Name: "oci-layout", Content: []byte(`{"imageLayoutVersion":"1.0.0"}`)}))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "image.tar")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		img, err := image.OpenTarball(context.Background(), p, image.OpenOptions{})
		if err == nil {
			_, _ = image.Scan(context.Background(), img.Image, image.DefaultLimits())
			img.Close()
		}
	})
}
