//go:build unix

package image_test

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/image"
)

// TestOpenFIFO: a FIFO is refused at once, never opened (which blocks
// until a writer comes).
func TestOpenFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "image.tar")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := image.Open(context.Background(), p, image.OpenOptions{})
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("want a not-a-regular-file error, got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a FIFO blocks")
	}
}
