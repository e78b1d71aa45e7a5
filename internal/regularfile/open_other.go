//go:build !unix

package regularfile

import "os"

// openNonBlocking opens name; systems without FIFOs in the file system
// have nothing to wait for.
func openNonBlocking(name string) (*os.File, error) {
	return os.Open(name)
}
