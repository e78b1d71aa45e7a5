// Package regularfile opens and reads the files a person names on the
// command line or in a configuration, refusing what would hang or exhaust
// the run: a FIFO waits for a writer, a device such as /dev/zero never
// ends, and a sparse file claims gigabytes it does not hold. Every reader
// of such a file goes through here so that each gets all three refusals.
package regularfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// NotRegularError is a file that is not a regular file.
type NotRegularError struct {
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	what := "not a regular file"
	switch {
	case e.Mode.IsDir():
		what = "a directory"
	case e.Mode&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO), not a regular file"
	case e.Mode&fs.ModeSocket != 0:
		what = "a socket, not a regular file"
	case e.Mode&fs.ModeDevice != 0:
		what = "a device, not a regular file"
	}
	return what + ": only regular files are read"
}

// TooLargeError is a file larger than the bound it was read under. Size
// is -1 when the file grew past Max while it was read.
type TooLargeError struct {
	Size, Max int64
}

func (e *TooLargeError) Error() string {
	if e.Size < 0 {
		return fmt.Sprintf("larger than the %s limit", HumanBytes(e.Max))
	}
	return fmt.Sprintf("%s, larger than the %s limit", HumanBytes(e.Size), HumanBytes(e.Max))
}

// Open opens name for reading if it is a regular file. The opened file,
// not the name, is checked: the name may be replaced by a FIFO between a
// stat and an open, and opening without waiting means a FIFO is refused
// instead of blocking the run.
func Open(name string) (*os.File, fs.FileInfo, error) {
	f, err := openNonBlocking(name)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		_ = f.Close()
		return nil, nil, &NotRegularError{Mode: info.Mode()}
	}
	return f, info, nil
}

// Read reads name whole if it is a regular file of at most max bytes. It
// reads at most one byte past max, so a file that grows while it is read
// is refused without being held.
func Read(name string, max int64) ([]byte, error) {
	f, info, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info.Size() > max {
		return nil, &TooLargeError{Size: info.Size(), Max: max}
	}
	return ReadAll(f, max)
}

// ReadAll reads r to its end, refusing more than max bytes.
func ReadAll(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, &TooLargeError{Size: -1, Max: max}
	}
	return data, nil
}

// HumanBytes is n in the largest binary unit that keeps it above one.
func HumanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
