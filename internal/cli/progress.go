package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/render"
)

// statusLine is one line of progress on a terminal, redrawn in place and
// cleared when the work is done, so that it never mixes with the report.
type statusLine struct {
	mu    sync.Mutex
	w     io.Writer
	drawn bool
}

// draw replaces the line; the caller holds mu.
func (l *statusLine) draw(format string, args ...any) {
	fmt.Fprintf(l.w, "\r\x1b[K"+format, args...)
	l.drawn = true
}

// done clears the line. It is safe on a nil line.
func (l *statusLine) done() {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.drawn {
		fmt.Fprint(l.w, "\r\x1b[K")
	}
}

// printable escapes control characters as the table does (one sanitizer
// for everything a person reads): names come from manifests, clusters and
// Azure, and must not drive the terminal or forge lines.
func printable(s string) string { return render.OneLine(s) }

// progress shows how many objects have been read from a cluster so far.
type progress struct {
	statusLine
	counts map[string]int
	last   time.Time
}

func newProgress(w io.Writer) *progress {
	return &progress{statusLine: statusLine{w: w}, counts: map[string]int{}}
}

func (p *progress) update(kind string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.counts[kind] = n
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond {
		p.last = now
		total := 0
		for _, c := range p.counts {
			total += c
		}
		p.draw("bulwark: reading the cluster: %d objects (%s: %d)", total, printable(kind), n)
	}
}

// done clears the line; safe on a nil progress.
func (p *progress) done() {
	if p != nil {
		p.statusLine.done()
	}
}

// imageProgress is a bar while several images are assessed.
type imageProgress struct {
	statusLine
}

func (p *imageProgress) update(done, total int, ref string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	const width = 24
	n := width * done / max(total, 1)
	ref = printable(ref)
	if r := []rune(ref); len(r) > 60 {
		ref = "..." + string(r[len(r)-57:])
	}
	p.draw("bulwark: images [%s%s] %d/%d %s", strings.Repeat("=", n), strings.Repeat(" ", width-n), done, total, ref)
}

// done clears the bar; safe on a nil progress.
func (p *imageProgress) done() {
	if p != nil {
		p.statusLine.done()
	}
}
