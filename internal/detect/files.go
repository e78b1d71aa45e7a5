package detect

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// Input says what Files read.
type Input struct {
	Files, Events, Problems int
}

// Files reads audit JSON lines from each path ("-" is standard input,
// which may be an endless pipe) and calls emit with every alert and bad
// with every input problem. Only regular files are opened: a FIFO or a
// device named on the command line could block the run. ctx ends the
// reading between lines.
//
// emit is given the file and line each alert's event was read from; the
// file is "<stdin>" for standard input.
func (d *Detector) Files(ctx context.Context, paths []string, stdin io.Reader, emit func(report.Alert, report.Location) error, bad func(report.InputError)) (Input, error) {
	var in Input
	for _, p := range paths {
		r, name, closeFn, err := open(p, stdin)
		if err != nil {
			return in, err
		}
		in.Files++
		err = audit.Read(r, audit.DefaultLimits, func(ev *audit.Event, pos audit.Position) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			in.Events++
			for _, a := range d.event(ev, func() string { return name + ":" + pos.String() }) {
				file := name
				if p == "-" {
					file = "<stdin>"
				}
				if err := emit(a, report.Location{File: file, Line: pos.Line}); err != nil {
					return err
				}
			}
			return nil
		}, func(e *audit.Error) {
			in.Problems++
			bad(report.InputError{File: name, Line: e.Pos.Line, Message: e.Msg})
		})
		closeFn()
		if err != nil {
			return in, fmt.Errorf("%s: %w", name, err)
		}
	}
	return in, nil
}

func open(p string, stdin io.Reader) (io.Reader, string, func(), error) {
	if p == "-" {
		return stdin, "stdin", func() {}, nil
	}
	fi, err := os.Stat(p)
	if err != nil {
		return nil, "", nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, "", nil, fmt.Errorf("%s: not a regular file (pipe audit events to standard input with -)", p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, "", nil, err
	}
	return f, p, func() { _ = f.Close() }, nil
}
