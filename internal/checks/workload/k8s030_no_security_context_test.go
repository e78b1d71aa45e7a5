package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestNoSecurityContext(t *testing.T) {
	tests := []struct {
		name string
		pod  string // pod-level securityContext line, or empty
		want []string
	}{
		{"no pod securityContext", "", []string{"spec.containers[1].securityContext", "spec.ephemeralContainers[0].securityContext"}},
		{"empty pod securityContext", "  securityContext: {}\n", []string{"spec.containers[1].securityContext", "spec.ephemeralContainers[0].securityContext"}},
		{"pod securityContext set", "  securityContext: {runAsNonRoot: true}\n", nil},
		{"pod securityContext with only a group list", "  securityContext: {supplementalGroups: [10001]}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
` + tt.pod + `  initContainers:
  - {name: init, image: app, securityContext: {allowPrivilegeEscalation: false}}
  containers:
  - {name: hardened, image: app, securityContext: {readOnlyRootFilesystem: true}}
  - {name: empty, image: app, securityContext: {}}
  ephemeralContainers:
  - {name: debug, image: busybox}
`
			got := checktest.Fields(checktest.Run(t, "K8S-030", doc, nil))
			want := append([]string{}, tt.want...)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestNoSecurityContextFinding(t *testing.T) {
	doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: web
        image: web
`
	fs := checktest.Run(t, "K8S-030", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	f := fs[0]
	if f.Field != "spec.template.spec.containers[0].securityContext" {
		t.Errorf("field = %s", f.Field)
	}
	// Missing field: the finding points at the container to add it to.
	if got := f.Location.String(); got != "test.yaml:8:9" {
		t.Errorf("location = %s, want test.yaml:8:9", got)
	}
	if want := `container "web" has no securityContext and the pod sets none, so it runs with the image's and runtime's defaults`; f.Message != want {
		t.Errorf("message = %q, want %q", f.Message, want)
	}
}
