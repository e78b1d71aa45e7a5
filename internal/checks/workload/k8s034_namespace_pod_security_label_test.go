package workload

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestNamespacePodSecurityLabel(t *testing.T) {
	const field = "metadata.labels[pod-security.kubernetes.io/enforce]"
	tests := []struct {
		name     string
		labels   string
		evidence string // "" for no finding
	}{
		{"no labels", "", "unset"},
		{"other labels only", "labels: {team: web, pod-security.kubernetes.io/warn: restricted}", "unset"},
		{"privileged", "labels: {pod-security.kubernetes.io/enforce: privileged}", "privileged"},
		{"invalid level", "labels: {pod-security.kubernetes.io/enforce: Restricted}", "Restricted"},
		{"baseline", "labels: {pod-security.kubernetes.io/enforce: baseline}", ""},
		{"restricted", "labels: {pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: latest}", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n  " + tt.labels + "\n"
			fs := checktest.Run(t, "K8S-034", doc, nil)
			if tt.evidence == "" {
				if len(fs) != 0 {
					t.Errorf("want no findings, got %v", fs)
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("want 1 finding, got %v", fs)
			}
			if fs[0].Field != field || fs[0].Evidence != tt.evidence {
				t.Errorf("field, evidence = %s, %q; want %s, %q", fs[0].Field, fs[0].Evidence, field, tt.evidence)
			}
		})
	}
}

func TestNamespacePodSecurityLabelFinding(t *testing.T) {
	doc := `apiVersion: v1
kind: Namespace
metadata:
  name: legacy
  labels:
    team: web
    pod-security.kubernetes.io/enforce: privileged
---
apiVersion: v1
kind: ConfigMap
metadata: {name: not-a-namespace}
`
	fs := checktest.Run(t, "K8S-034", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	f := fs[0]
	if got := f.Location.String(); got != "test.yaml:7:5" {
		t.Errorf("location = %s, want test.yaml:7:5", got)
	}
	if want := `namespace "legacy" enforces the privileged level (pod-security.kubernetes.io/enforce: privileged), which allows any pod`; f.Message != want {
		t.Errorf("message = %q, want %q", f.Message, want)
	}
}
