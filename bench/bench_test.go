package bench

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/decide"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

var (
	benchObjects = flag.Int("corpus.objects", 10_000, "objects generated for the benchmarks")
	benchFiles   = flag.Int("corpus.files", 1_000, "files the objects are spread over")
	benchSeed    = flag.Uint64("corpus.seed", 1, "generator seed")
	benchDir     = flag.String("corpus.dir", "", "use manifests already generated here (with the same -corpus.objects) instead of generating them")
)

var (
	genOnce sync.Once
	genDir  string
	genErr  error
	tmpDir  string
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if tmpDir != "" {
		os.RemoveAll(tmpDir)
	}
	os.Exit(code)
}

// corpus generates the benchmark manifests once per test binary run; both
// benchmarks read the same files.
func corpus(b *testing.B) string {
	b.Helper()
	genOnce.Do(func() {
		if *benchDir != "" {
			genDir = *benchDir
			return
		}
		tmpDir, genErr = os.MkdirTemp("", "bulwark-bench-")
		if genErr != nil {
			return
		}
		genDir = filepath.Join(tmpDir, "manifests")
		genErr = Generate(genDir, *benchObjects, *benchFiles, *benchSeed)
	})
	if genErr != nil {
		b.Fatal(genErr)
	}
	return genDir
}

func BenchmarkScan(b *testing.B) {
	dir := corpus(b)
	ctx := context.Background()
	var objects int
	for b.Loop() {
		res, err := Scan(ctx, dir, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		if res.Errors != 0 {
			b.Fatalf("scan reported %d input or check errors", res.Errors)
		}
		objects = res.Objects
	}
	b.ReportMetric(float64(objects)*float64(b.N)/b.Elapsed().Seconds(), "objects/s")
}

func BenchmarkDecodeFloor(b *testing.B) {
	dir := corpus(b)
	var objects int
	for b.Loop() {
		res, err := DecodeFloor(dir, 0)
		if err != nil {
			b.Fatal(err)
		}
		objects = len(res.Objects)
	}
	b.ReportMetric(float64(objects)*float64(b.N)/b.Elapsed().Seconds(), "objects/s")
}

// TestGenerate checks, on a small corpus, that the generator is
// deterministic, that its output is valid (the scanner and the floor read
// every object, with no input or check error) and that the mix is what the
// README says.
func TestGenerate(t *testing.T) {
	const objects, files = 500, 50
	a, b := t.TempDir(), t.TempDir()
	if err := Generate(a, objects, files, 7); err != nil {
		t.Fatal(err)
	}
	if err := Generate(b, objects, files, 7); err != nil {
		t.Fatal(err)
	}
	if err := Generate(a, objects, files, 7); err == nil {
		t.Error("Generate into a non-empty directory: no error")
	}
	if !sameTree(t, a, b) {
		t.Fatal("two runs with the same seed differ")
	}

	var out bytes.Buffer
	res, err := Scan(context.Background(), a, &out)
	if err != nil {
		t.Fatal(err)
	}
	if res.Objects != objects || res.Errors != 0 {
		t.Fatalf("scan: %d objects (want %d), %d errors; report:\n%.4000s", res.Objects, objects, res.Errors, out.String())
	}
	if res.Findings == 0 {
		t.Error("scan found nothing in a corpus with bad workloads")
	}
	floor, err := DecodeFloor(a, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(floor.Objects) != objects {
		t.Fatalf("floor decoded %d objects, want %d", len(floor.Objects), objects)
	}
	kinds := map[string]int{}
	for _, o := range floor.Objects {
		kinds[fmt.Sprintf("%T", o)]++
	}
	t.Logf("kinds: %v; findings: %d", kinds, res.Findings)
	workloads := 0
	for _, k := range []string{"*v1.Deployment", "*v1.StatefulSet", "*v1.DaemonSet", "*v1.Job", "*v1.CronJob", "*v1.Pod"} {
		workloads += kinds[k]
	}
	if pct := 100 * workloads / objects; pct < 60 || pct > 80 {
		t.Errorf("workloads are %d%% of objects, want about 70%%", pct)
	}
}

func sameTree(t *testing.T, a, b string) bool {
	t.Helper()
	same := true
	n := 0
	err := filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		rel, _ := filepath.Rel(a, p)
		x, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			same = false
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return same && n > 0
}

// BenchmarkScanPhases times the stages of BenchmarkScan one at a time, to
// show where a full scan spends its time: load (read, parse, decode; all
// cores), engine (every check on every object, then the serial sort of the
// findings; all cores) and render (the JSON report; one core).
func BenchmarkScanPhases(b *testing.B) {
	dir := corpus(b)
	ctx := context.Background()
	settings := scanSettings()
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			if _, err := manifest.Load(ctx, []string{dir}, manifest.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	loaded, err := manifest.Load(ctx, []string{dir}, manifest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("engine", func(b *testing.B) {
		for b.Loop() {
			inv := inventory.New(loaded.Objects)
			engine.Run(inv, check.All(), &settings, engine.Options{})
		}
	})
	gate, _ := decide.ParseFailOn("high")
	rep, err := scan.Manifests(ctx, []string{dir}, scan.Options{Settings: settings, Gate: gate})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("render", func(b *testing.B) {
		for b.Loop() {
			if err := render.JSON(io.Discard, rep); err != nil {
				b.Fatal(err)
			}
		}
	})
}
