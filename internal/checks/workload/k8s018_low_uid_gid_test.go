package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestLowUIDGID(t *testing.T) {
	tests := []struct {
		name      string
		pod, ctr  string // pod and container securityContext, flow YAML
		ctr2      string // a second container's securityContext
		wantField []string
	}{
		{"nothing set", "{}", "{}", "{}", nil},
		{"pod uid inherited", "{runAsUser: 1000}", "{}", "{}", []string{"spec.securityContext.runAsUser"}},
		{"pod uid overridden by all", "{runAsUser: 1000}", "{runAsUser: 20000}", "{runAsUser: 20001}", nil},
		{"pod uid overridden by one", "{runAsUser: 1000}", "{runAsUser: 20000}", "{}", []string{"spec.securityContext.runAsUser"}},
		{"container uid", "{runAsUser: 20000}", "{runAsUser: 10000}", "{}", []string{"spec.containers[0].securityContext.runAsUser"}},
		{"boundary above", "{runAsUser: 10001, runAsGroup: 10001}", "{}", "{}", nil},
		{"gid at pod and container", "{runAsGroup: 5}", "{runAsGroup: 3000}", "{}",
			[]string{"spec.securityContext.runAsGroup", "spec.containers[0].securityContext.runAsGroup"}},
		{"root is not this check's", "{runAsUser: 0, runAsGroup: 0}", "{runAsUser: 0}", "{}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: ` + tt.pod + `
  containers:
  - {name: a, image: app, securityContext: ` + tt.ctr + `}
  - {name: b, image: app, securityContext: ` + tt.ctr2 + `}
`
			got := checktest.Fields(checktest.Run(t, "K8S-018", doc, nil))
			want := append([]string{}, tt.wantField...)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestLowUIDGIDFinding(t *testing.T) {
	doc := `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      securityContext:
        runAsUser: 999
      initContainers:
      - {name: init, image: db}
      containers:
      - {name: db, image: db, securityContext: {runAsUser: 20000}}
      - {name: exporter, image: exporter}
`
	fs := checktest.Run(t, "K8S-018", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	f := fs[0]
	if f.Field != "spec.template.spec.securityContext.runAsUser" || f.Evidence != "999" {
		t.Errorf("field, evidence = %s, %q", f.Field, f.Evidence)
	}
	if got := f.Location.String(); got != "test.yaml:11:9" {
		t.Errorf("location = %s, want test.yaml:11:9", got)
	}
	if want := `pod-level runAsUser 999, at or below 10000, applies to init container "init", container "exporter"`; f.Message != want {
		t.Errorf("message = %q, want %q", f.Message, want)
	}
}
