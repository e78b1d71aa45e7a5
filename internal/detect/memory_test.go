package detect

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// repeated reads data n times without holding more than one copy, and
// records the live heap (after a collection) each time it starts over:
// mid-stream, with the detector and the reader at work.
type repeated struct {
	data []byte
	r    bytes.Reader
	left int
	peak uint64
}

func (r *repeated) Read(p []byte) (int, error) {
	for r.r.Len() == 0 {
		if r.left == 0 {
			return 0, io.EOF
		}
		r.left--
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		r.peak = max(r.peak, ms.HeapAlloc)
		r.r.Reset(r.data)
	}
	return r.r.Read(p)
}

// peakHeap runs the detector over data read n times and returns the
// largest live heap seen and the events read.
func peakHeap(t *testing.T, data []byte, n int) (uint64, int) {
	t.Helper()
	d, err := New(context.Background(), Options{Learn: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	r := &repeated{data: data, left: n}
	in, err := d.Files(context.Background(), []string{"-"}, r, func(report.Alert, report.Location) error { return nil },
		func(e report.InputError) { t.Fatal(e) })
	if err != nil {
		t.Fatal(err)
	}
	return r.peak, in.Events
}

// Memory does not grow with the input: twenty times the events leave the
// detector and the reader holding about what two times do.
func TestMemoryFlatInInputLength(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 220,000 events")
	}
	data := realShaped(10_000)
	small, n2 := peakHeap(t, data, 2)
	large, n20 := peakHeap(t, data, 20)
	if n20 != 10*n2 {
		t.Fatalf("read %d and %d events", n2, n20)
	}
	t.Logf("largest live heap over %d events: %d KiB; over %d: %d KiB", n2, small>>10, n20, large>>10)
	if large > small+2<<20 {
		t.Errorf("live heap grew from %d KiB to %d KiB with ten times the input", small>>10, large>>10)
	}
}
