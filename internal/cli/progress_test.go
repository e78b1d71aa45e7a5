package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestProgressLines(t *testing.T) {
	var buf bytes.Buffer
	p := &imageProgress{statusLine{w: &buf}}
	p.update(1, 4, "evil\x1b]0;pwned\x07/app:1")
	p.done()
	out := buf.String()
	if strings.ContainsAny(strings.ReplaceAll(strings.ReplaceAll(out, "\r\x1b[K", ""), "\r", ""), "\x1b\x07") {
		t.Errorf("control characters from a reference reached the terminal: %q", out)
	}
	if !strings.Contains(out, `[======                  ] 1/4 evil\x1b]0;pwned\x07/app:1`) || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("progress output %q", out)
	}
	var nilProgress *imageProgress
	nilProgress.done() // no terminal: nothing was drawn
	var nilCluster *progress
	nilCluster.done()
}
