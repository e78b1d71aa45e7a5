//go:build unix

package regularfile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestRead: a regular file within the bound is read; a FIFO (which a
// plain open would wait on forever), a device, a directory and a sparse
// file beyond the bound are each refused with their own error.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok")
	if err := os.WriteFile(ok, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if data, err := Read(ok, 5); err != nil || string(data) != "hello" {
		t.Fatalf("Read(ok) = %q, %v", data, err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	sparse := filepath.Join(dir, "sparse")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 40); err != nil {
		t.Skip("no sparse files here:", err)
	}
	f.Close()
	for name, c := range map[string]struct {
		path string
		want string
	}{
		"fifo":      {fifo, "a named pipe (FIFO), not a regular file: only regular files are read"},
		"device":    {"/dev/zero", "a device, not a regular file: only regular files are read"},
		"directory": {dir, "a directory: only regular files are read"},
		"sparse":    {sparse, "1024.0 GiB, larger than the 4 B limit"},
		"one over":  {ok, "5 B, larger than the 4 B limit"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Read(c.path, 4)
			if err == nil || err.Error() != c.want {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			var nr *NotRegularError
			var tl *TooLargeError
			if !errors.As(err, &nr) && !errors.As(err, &tl) {
				t.Errorf("%T is neither NotRegularError nor TooLargeError", err)
			}
		})
	}
	if _, err := Read(filepath.Join(dir, "absent"), 4); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v, want ErrNotExist", err)
	}
}
