package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedCRDsAreGenerated: the chart's PolicyReport CRDs are what
// the generator makes of the OpenReports CRDs it ships (run
// go run ./hack/policyreport-crds after updating those).
func TestCommittedCRDsAreGenerated(t *testing.T) {
	root := filepath.Join("..", "..", dir)
	out := t.TempDir()
	if err := generate(root, out); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"wgpolicyk8s.io_policyreports.yaml", "wgpolicyk8s.io_clusterpolicyreports.yaml"} {
		want, err := os.ReadFile(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(root, "policyreport-crds", f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what go run ./hack/policyreport-crds writes", f)
		}
		if bytes.Contains(want, []byte("openreports.io\n")) || !bytes.Contains(want, []byte("group: wgpolicyk8s.io")) {
			t.Errorf("%s: not the wgpolicyk8s.io group", f)
		}
	}
}
