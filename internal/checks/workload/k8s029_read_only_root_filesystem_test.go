package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestReadOnlyRootFilesystem(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"all containers", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - {name: init, image: app, securityContext: {readOnlyRootFilesystem: true}}
  - {name: init2, image: app}
  containers:
  - {name: ro, image: app, securityContext: {readOnlyRootFilesystem: true}}
  - {name: rw, image: app, securityContext: {readOnlyRootFilesystem: false}}
  - {name: unset, image: app, securityContext: {runAsNonRoot: true}}
  ephemeralContainers:
  - {name: debug, image: busybox}
`, []string{
			"spec.initContainers[1].securityContext.readOnlyRootFilesystem",
			"spec.containers[1].securityContext.readOnlyRootFilesystem",
			"spec.containers[2].securityContext.readOnlyRootFilesystem",
			"spec.ephemeralContainers[0].securityContext.readOnlyRootFilesystem",
		}},
		{"read-only", `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - {name: app, image: app, securityContext: {readOnlyRootFilesystem: true}}
`, nil},
		{"windows pod cannot set it", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  os: {name: windows}
  containers:
  - {name: app, image: app}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checktest.Fields(checktest.Run(t, "K8S-029", tt.doc, nil))
			want := append([]string{}, tt.want...)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestReadOnlyRootFilesystemFinding(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: app
    securityContext:
      readOnlyRootFilesystem: false
`
	fs := checktest.Run(t, "K8S-029", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	f := fs[0]
	if got := f.Location.String(); got != "test.yaml:9:7" {
		t.Errorf("location = %s, want test.yaml:9:7", got)
	}
	if f.Evidence != "false" {
		t.Errorf("evidence = %q, want false", f.Evidence)
	}
	if want := `container "app" sets readOnlyRootFilesystem: false, so its root file system is writable`; f.Message != want {
		t.Errorf("message = %q, want %q", f.Message, want)
	}
}
