package vulndb

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/vuln"
)

// A synthetic store shaped like OSV's distro exports: Debian advisories
// with a block per release, skewed so that a few packages (think linux,
// imagemagick) have hundreds of advisories and most have a handful.
const (
	benchDebian, benchDebianNames = 30_000, 3_000
	benchAlpine, benchAlpineNames = 10_000, 1_000
	benchGo, benchGoNames         = 10_000, 2_000
)

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(filepath.Dir(benchDir))
	}
	os.Exit(code)
}

func skewed(r *rand.Rand, n int) int { f := r.Float64(); return int(f * f * float64(n)) }

// benchStore builds the 50,000-entry store once per test binary.
func benchStore(tb testing.TB) string {
	tb.Helper()
	benchOnce.Do(func() {
		tmp, err := os.MkdirTemp("", "vulndb-bench-")
		if err != nil {
			benchErr = err
			return
		}
		benchDir = filepath.Join(tmp, "store")
		r := rand.New(rand.NewPCG(1, 2))
		c := newCollector(Limits{}, "", testNow)
		add := func(e map[string]any) {
			b, _ := json.Marshal(e)
			c.stats.Documents++
			c.add(e["id"].(string)+".json", b)
		}
		rng := func(typ string, evs ...string) []any {
			var out []any
			for i := 0; i+1 < len(evs); i += 2 {
				out = append(out, map[string]string{evs[i]: evs[i+1]})
			}
			return []any{map[string]any{"type": typ, "events": out}}
		}
		for i := 0; i < benchDebian; i++ {
			name := fmt.Sprintf("src%d", skewed(r, benchDebianNames))
			var affs []any
			for _, rel := range []string{"11", "12", "13"} {
				affs = append(affs, map[string]any{
					"package":            map[string]string{"ecosystem": "Debian:" + rel, "name": name},
					"ranges":             rng("ECOSYSTEM", "introduced", "0", "fixed", fmt.Sprintf("%d.%d-%d+deb%su%d", r.IntN(5), r.IntN(30), r.IntN(9)+1, rel, r.IntN(12))),
					"ecosystem_specific": map[string]string{"urgency": "not yet assigned"},
				})
			}
			add(map[string]any{"id": fmt.Sprintf("DEBIAN-CVE-2026-%05d", i), "modified": "2026-11-20T00:00:00Z",
				"aliases": []string{fmt.Sprintf("CVE-2026-%05d", i)}, "details": "A long description of the issue that the store does not keep.",
				"affected": affs})
		}
		for i := 0; i < benchAlpine; i++ {
			name := fmt.Sprintf("apk%d", skewed(r, benchAlpineNames))
			add(map[string]any{"id": fmt.Sprintf("ALPINE-CVE-2026-%05d", i), "modified": "2026-11-20T00:00:00Z",
				"affected": []any{map[string]any{
					"package": map[string]string{"ecosystem": "Alpine:v3.20", "name": name},
					"ranges":  rng("ECOSYSTEM", "introduced", "0", "fixed", fmt.Sprintf("%d.%d.%d-r%d", r.IntN(5), r.IntN(30), r.IntN(9), r.IntN(5)))}},
				"database_specific": map[string]string{"severity": "HIGH"}})
		}
		for i := 0; i < benchGo; i++ {
			name := fmt.Sprintf("example.com/m%d", skewed(r, benchGoNames))
			add(map[string]any{"id": fmt.Sprintf("GO-2026-%05d", i), "modified": "2026-11-20T00:00:00Z",
				"aliases":  []string{fmt.Sprintf("CVE-2026-9%04d", i), fmt.Sprintf("GHSA-%04d-aaaa-bbbb", i)},
				"summary":  "Denial of service in " + name,
				"severity": []map[string]string{{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}},
				"affected": []any{map[string]any{
					"package": map[string]string{"ecosystem": "Go", "name": name},
					"ranges":  rng("SEMVER", "introduced", fmt.Sprintf("0.%d.0", r.IntN(10)), "fixed", fmt.Sprintf("1.%d.%d", r.IntN(30), r.IntN(5)))}}})
		}
		_, benchErr = Importer{Dir: benchDir}.finish(c, "synthetic", dataDate{})
	})
	if benchErr != nil {
		tb.Fatal(benchErr)
	}
	return benchDir
}

// benchQueries is a large image's worth of packages: 300 Debian source
// packages, 100 Alpine origins and 100 Go modules, some without advisories.
func benchQueries() []vuln.Query {
	r := rand.New(rand.NewPCG(3, 4))
	var qs []vuln.Query
	for i := 0; i < 300; i++ {
		qs = append(qs, vuln.Query{Ecosystem: "Debian", Release: "12", Name: fmt.Sprintf("src%d", r.IntN(benchDebianNames+300)), Version: "2.15-3+deb12u4"})
	}
	for i := 0; i < 100; i++ {
		qs = append(qs, vuln.Query{Ecosystem: "Alpine", Release: "3.20.3", Name: fmt.Sprintf("apk%d", r.IntN(benchAlpineNames+100)), Version: "2.15.3-r1"})
	}
	for i := 0; i < 100; i++ {
		qs = append(qs, vuln.Query{Ecosystem: "Go", Name: fmt.Sprintf("example.com/m%d", r.IntN(benchGoNames+100)), Version: "v0.15.2"})
	}
	return qs
}

func TestBenchStoreSanity(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 50,000-entry store")
	}
	dir := benchStore(t)
	start := time.Now()
	s := mustOpen(t, dir)
	opened := time.Since(start)
	ms, errs := s.MatchAll(benchQueries())
	t.Logf("open %v, open+match %v: %d matches; %d entries, sources %d", opened, time.Since(start), len(ms), s.Len(), len(s.Meta().Sources))
	if len(errs) > 0 {
		t.Fatal(errs[0])
	}
	if s.Len() != benchDebian+benchAlpine+benchGo || len(ms) < 500 {
		t.Fatalf("%d entries, %d matches", s.Len(), len(ms))
	}
	var size int64
	for _, src := range s.Meta().Sources {
		size += src.Size
	}
	t.Logf("data files: %d bytes", size)
}

func BenchmarkOpen50k(b *testing.B) {
	dir := benchStore(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

func BenchmarkOpenAndMatch500(b *testing.B) {
	dir := benchStore(b)
	qs := benchQueries()
	b.ReportAllocs()
	b.ResetTimer()
	var n int
	for b.Loop() {
		s, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		ms, errs := s.MatchAll(qs)
		if len(errs) > 0 {
			b.Fatal(errs[0])
		}
		n = len(ms)
		s.Close()
	}
	b.ReportMetric(float64(n), "matches/op")
}

// BenchmarkFullLoad50k is what Open avoids: decoding and compiling every
// advisory, as DB() does.
func BenchmarkFullLoad50k(b *testing.B) {
	dir := benchStore(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.DB(); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
