package adversarial

import (
	"path/filepath"
	"testing"
)

// TestHarnessMeasures keeps the harness honest: an ordinary run of the
// bundled example exits as the example does (1: it has blocking findings),
// is measured, and stays under the base memory bound.
func TestHarnessMeasures(t *testing.T) {
	example, err := filepath.Abs("../../examples/insecure")
	if err != nil {
		t.Fatal(err)
	}
	r := Run(t, Limits{}, nil, "scan", "manifests", example)
	if r.Code != 1 {
		t.Fatalf("exit %d, want 1; %s", r.Code, r)
	}
	if r.MaxRSS == 0 {
		t.Fatal("peak RSS not measured")
	}
	ExpectNoPanic(t, r)
	ExpectRSS(t, r, 0, 0)
}
