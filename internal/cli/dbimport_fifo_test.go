//go:build unix

package cli

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDBImportFIFO: a FIFO given to db import is refused at once, not
// opened (which blocks until a writer comes).
func TestDBImportFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo.zip")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip(err)
	}
	done := make(chan struct{})
	var code int
	var stderr string
	go func() {
		code, _, stderr = run(t, "", "db", "import", "--db-dir", t.TempDir(), p)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("db import of a FIFO blocks")
	}
	if code != 2 || !strings.Contains(stderr, "not a regular file") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
