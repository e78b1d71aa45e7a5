//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package vulndb

import (
	"os"
	"path/filepath"
	"syscall"
)

// lockDir serializes imports into one store (two `bulwark db import` runs,
// or a scheduled update racing a manual one): without it, one import's
// garbage collection could delete the data file the other has written but
// not yet committed. Readers never lock; they rely on atomic renames.
func lockDir(dir string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
