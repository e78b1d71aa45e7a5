package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestRootGroup(t *testing.T) {
	tests := []struct {
		name     string
		pod, ctr string // pod and container securityContext, flow YAML
		want     []string
	}{
		{"nothing set", "{}", "{}", nil},
		{"non-root groups", "{runAsGroup: 10001, fsGroup: 10001, supplementalGroups: [10002]}", "{runAsGroup: 10003}", nil},
		{"pod runAsGroup 0 inherited", "{runAsGroup: 0}", "{}", []string{"spec.securityContext.runAsGroup"}},
		{"pod runAsGroup 0 overridden", "{runAsGroup: 0}", "{runAsGroup: 10001}", nil},
		{"container runAsGroup 0", "{runAsGroup: 10001}", "{runAsGroup: 0}", []string{"spec.containers[0].securityContext.runAsGroup"}},
		{"fsGroup 0", "{fsGroup: 0}", "{}", []string{"spec.securityContext.fsGroup"}},
		{"supplementalGroups with 0", "{supplementalGroups: [10001, 0]}", "{}", []string{"spec.securityContext.supplementalGroups[1]"}},
		{"runAsUser 0 is K8S-017's", "{runAsUser: 0}", "{runAsUser: 0}", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: ` + tt.pod + `
  containers:
  - {name: app, image: app, securityContext: ` + tt.ctr + `}
`
			got := checktest.Fields(checktest.Run(t, "K8S-019", doc, nil))
			want := append([]string{}, tt.want...)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestRootGroupFinding(t *testing.T) {
	doc := `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: app
        image: app
        securityContext:
          runAsGroup: 0
`
	fs := checktest.Run(t, "K8S-019", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	f := fs[0]
	if f.Field != "spec.template.spec.containers[0].securityContext.runAsGroup" || f.Evidence != "0" {
		t.Errorf("field, evidence = %s, %q", f.Field, f.Evidence)
	}
	if got := f.Location.String(); got != "test.yaml:12:11" {
		t.Errorf("location = %s, want test.yaml:12:11", got)
	}
	if want := `container "app" runs with runAsGroup 0 (root group)`; f.Message != want {
		t.Errorf("message = %q, want %q", f.Message, want)
	}
}
