package image_test

import (
	"bytes"
	"debug/buildinfo"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/bulwark-sec/bulwark/internal/image"
	"github.com/bulwark-sec/bulwark/internal/testutil/needs"
)

func digestOf(t testing.TB, l v1.Layer) v1.Hash {
	t.Helper()
	d, err := l.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// GoBinary is a real Go executable built by the test.
type GoBinary struct {
	Data      []byte
	GoVersion string // e.g. "1.26.8"
	TextVer   string // golang.org/x/text version it depends on
}

const textVersion = "v0.43.0"

// buildGoBinary builds a tiny main depending on golang.org/x/text from the
// local module cache (offline). When that is impossible it falls back to the
// running test binary.
func buildGoBinary(t testing.TB) GoBinary {
	t.Helper()
	dir := t.TempDir()
	gomod := "module example.com/tiny\n\ngo 1.22\n\nrequire golang.org/x/text " + textVersion + "\n"
	main := "package main\n\nimport (\n\t\"fmt\"\n\n\t\"golang.org/x/text/language\"\n)\n\nfunc main() { fmt.Println(language.English.String()) }\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "tiny")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOSUMDB=off", "GOFLAGS=-mod=mod", "GOWORK=off", "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Logf("go build of the tiny binary failed (%v): %s; using the test binary", err, msg)
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		out = exe
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	bi, err := buildinfo.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	gb := GoBinary{Data: data, GoVersion: image.GoVersion(bi.GoVersion)}
	for _, d := range bi.Deps {
		if d.Path == "golang.org/x/text" {
			gb.TextVer = d.Version
		}
	}
	if gb.TextVer == "" {
		needs.Missing(t, "no binary with golang.org/x/text available: run eval \"$(hack/install-tools.sh)\", which puts golang.org/x/text v0.3.5 in the module cache")
	}
	return gb
}
