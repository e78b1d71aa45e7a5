package image_test

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/image"
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
