package cli

import (
	"strings"
	"testing"
)

// Every command's errors reach stderr escaped: a path, a name or a value
// from an input may hold ESC, CR, LF, BEL or a bidi override, which must
// neither drive the terminal nor forge a line of its own.
func TestErrorsNeverCarryControlCharacters(t *testing.T) {
	evil := "/nonexistent/x\x1b[2J\r\nFAIL: forged\a\u202egnp.yaml"
	for _, args := range [][]string{
		{"scan", "manifests", evil},
		{"scan", "aks", evil},
		{"scan", "image", evil},
		{"db", "import", "--db-dir", t.TempDir(), evil},
		{"explain", "access", "user:alice", evil},
		{"baseline", "update", evil},
		{"verify", "image", evil},
		{"scan", "manifests", "--policy", evil, "testdata/clean"},
	} {
		code, _, errOut := run(t, "", args...)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2", args[:2], code)
		}
		for _, bad := range []string{"\x1b", "\r", "\a", "\u202e"} {
			if strings.Contains(errOut, bad) {
				t.Errorf("%s: stderr carries %q: %q", args[:2], bad, errOut)
			}
		}
		for _, line := range strings.Split(errOut, "\n") {
			if strings.HasPrefix(line, "FAIL") {
				t.Errorf("%s: forged line %q", args[:2], line)
			}
		}
	}
}
