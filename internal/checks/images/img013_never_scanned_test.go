package images

import "testing"

func TestNeverScanned(t *testing.T) {
	r := baseResult()
	if fs := run(t, "IMG-013", r); len(fs) != 0 {
		t.Errorf("scanned image reported")
	}
	r.NeverScanned = true
	if fs := run(t, "IMG-013", r); len(fs) != 1 || fs[0].Field != "digest" {
		t.Errorf("never-scanned image: %+v", fs)
	}
}
