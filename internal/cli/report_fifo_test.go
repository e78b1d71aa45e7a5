//go:build unix

package cli

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A FIFO named as a result is refused at once, never waited on.
func TestReportRefusesFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "result.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "", "report", fifo); code != 2 || !strings.Contains(stderr, "not a regular file") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
