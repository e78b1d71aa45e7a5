//go:build unix

package regularfile

import (
	"os"
	"syscall"
)

// openNonBlocking opens name without waiting for a writer: opening a FIFO
// for reading blocks until one appears, which would hang the run before the
// regular-file check on the opened descriptor could reject it.
func openNonBlocking(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
