package scan

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestLimitHeap(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	prev := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(prev)
	heapLimitSet = 0

	limitHeap(1 << 20)
	if got := debug.SetMemoryLimit(-1); got != minHeapLimit {
		t.Errorf("1 MiB of input: limit %d, want the floor %d", got, minHeapLimit)
	}
	limitHeap(100 << 20)
	if got := debug.SetMemoryLimit(-1); got != 2000<<20 {
		t.Errorf("100 MiB of input: limit %d, want 20× (%d)", got, 2000<<20)
	}
	// A limit someone else set is theirs.
	debug.SetMemoryLimit(123 << 20)
	limitHeap(1 << 20)
	if got := debug.SetMemoryLimit(-1); got != 123<<20 {
		t.Errorf("limit set elsewhere changed to %d", got)
	}
	// So is the user's.
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "1GiB")
	limitHeap(1 << 20)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set: limit changed to %d", got)
	}
}
