package vulndb

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// bombMember is a 4 MiB-class OSV document that deflate shrinks a
// thousandfold: a Go advisory whose versions list (held in memory per
// string) or whose details (parsed, then dropped) is one repeated token.
func bombMember(i int, versions bool) member {
	var b strings.Builder
	fmt.Fprintf(&b, `{"id":"GO-2099-%04d","affected":[{"package":{"ecosystem":"Go","name":"example.com/m"}`, i)
	if versions {
		b.WriteString(`,"versions":["1"`)
		for b.Len() < 4<<20-64 {
			b.WriteString(`,"1"`)
		}
		b.WriteString(`]}]}`)
	} else {
		b.WriteString(`}],"details":"`)
		b.WriteString(strings.Repeat("a", 4<<20-b.Len()-8))
		b.WriteString(`"}`)
	}
	return member{name: fmt.Sprintf("GO-2099-%04d.json", i), data: []byte(b.String())}
}

// TestImportZipBombs: a zip that inflates far beyond OSV's ratio, or whose
// advisories would take far more memory than its size, is refused with
// the limit named; the store is untouched.
func TestImportZipBombs(t *testing.T) {
	for _, tc := range []struct {
		name     string
		versions bool
		n        int
		msg      string
	}{
		{"inflation", false, 40, "a zip bomb?"},
		{"memory", true, 12, "bytes of memory"},
	} {
		var ms []member
		for i := range tc.n {
			ms = append(ms, bombMember(i, tc.versions))
		}
		z := writeZip(t, filepath.Join(t.TempDir(), "bomb.zip"), ms)
		dir := t.TempDir()
		_, err := Importer{Dir: dir}.ImportZip(z, testNow)
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: want ErrLimit %q, got %v", tc.name, tc.msg, err)
		}
		if _, err := Open(dir); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: the store was written: %v", tc.name, err)
		}
	}
}
