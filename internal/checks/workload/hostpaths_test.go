package workload

import (
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

// assertHostPath runs check id on a Deployment whose second volume mounts
// path from the host, and wants it reported on that volume or not at all.
func assertHostPath(t *testing.T, id, path string, flagged bool) {
	t.Helper()
	doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: app, image: app}]
      volumes:
      - name: ok
        emptyDir: {}
      - name: host
        hostPath:
          path: '` + strings.ReplaceAll(path, "'", "''") + "'\n"
	got := checktest.Fields(checktest.Run(t, id, doc, nil))
	want := []string{}
	if flagged {
		want = []string{"spec.template.spec.volumes[1].hostPath.path"}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s, hostPath %q: got %v, want %v", id, path, got, want)
	}
}
