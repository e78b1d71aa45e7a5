package scan

import (
	"fmt"

	"github.com/bulwark-sec/bulwark/internal/regularfile"
	"github.com/bulwark-sec/bulwark/internal/report"
)

// ReadResult reads a result written with --format json from the file
// name; only a regular file, so that a FIFO cannot hold the command.
func ReadResult(name string) (*report.Report, error) {
	f, _, err := regularfile.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	r, err := report.Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}
