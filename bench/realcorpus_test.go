package bench

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/testutil/needs"
)

var update = flag.Bool("update", false, "rewrite testdata/realcorpus.json.gz (review the diff against the previous one before committing)")

// findRealCorpus returns the real corpus: -corpus.real, else the shared
// directory beside the repository or on this machine.
func findRealCorpus(t *testing.T) string {
	t.Helper()
	for _, dir := range []string{*realCorpus, "/work/shared/corpus/real"} {
		if _, err := os.Stat(dir); err == nil {
			return dir
		}
	}
	needs.Missing(t, "the real corpus of public manifests is not at %s (-corpus.real)", *realCorpus)
	return ""
}

// TestRealCorpusReportUnchanged holds the full JSON report of the real
// corpus (471 objects of public manifests, 2,834 findings) to the one
// committed in testdata: performance work must not change a byte of it.
// The golden is byte for byte the output of the implementation before
// issue 18's changes (compared with diff when it was committed; K8S-062,
// whose message changed, has no finding on this corpus).
func TestRealCorpusReportUnchanged(t *testing.T) {
	dir := findRealCorpus(t)
	gate, err := decide.ParseFailOn("high")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	rep, err := scan.Manifests(context.Background(), []string{dir}, scan.Options{Settings: scanSettings(), Gate: gate, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := render.JSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	// File names are given relative to the corpus, wherever it is.
	got := bytes.ReplaceAll(buf.Bytes(), []byte(strings.TrimSuffix(dir, "/")+"/"), []byte("real/"))
	got = bytes.ReplaceAll(got, []byte(`"`+dir+`"`), []byte(`"real"`))
	golden := filepath.Join("testdata", "realcorpus.json.gz")
	if *update {
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		zw.Write(got)
		zw.Close()
		if err := os.WriteFile(golden, z.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(golden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	want, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
		for i := range min(len(gl), len(wl)) {
			if !bytes.Equal(gl[i], wl[i]) {
				t.Fatalf("report differs from %s at line %d:\n got: %s\nwant: %s", golden, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("report differs from %s in length: %d lines, want %d", golden, len(gl), len(wl))
	}
}
