//go:build linux && (amd64 || arm64)

package vulndb

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// dropCache evicts the store's files from the page cache
// (posix_fadvise POSIX_FADV_DONTNEED), so that Open reads from the disk as
// on a scanner's first run after boot, without dropping the whole
// machine's cache.
func dropCache(tb testing.TB, dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range ents {
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		const fadvDontNeed = 4
		if _, _, errno := syscall.Syscall6(syscall.SYS_FADVISE64, f.Fd(), 0, 0, fadvDontNeed, 0, 0); errno != 0 {
			f.Close()
			tb.Skipf("fadvise: %v", errno)
		}
		f.Close()
	}
}

func BenchmarkOpenAndMatch500ColdCache(b *testing.B) {
	dir := benchStore(b)
	qs := benchQueries()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		dropCache(b, dir)
		b.StartTimer()
		s, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, errs := s.MatchAll(qs); len(errs) > 0 {
			b.Fatal(errs[0])
		}
		s.Close()
	}
}
