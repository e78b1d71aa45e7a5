package workload

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestRemovedAPIVersion(t *testing.T) {
	tests := []struct {
		apiVersion, kind string
		removedIn        string // "" for no finding
		use              string
	}{
		{"extensions/v1beta1", "Deployment", "1.16", "use apps/v1"},
		{"extensions/v1beta1", "Ingress", "1.22", "use networking.k8s.io/v1"},
		{"extensions/v1beta1", "NetworkPolicy", "1.16", "use networking.k8s.io/v1"},
		{"apps/v1beta1", "StatefulSet", "1.16", "use apps/v1"},
		{"apps/v1beta2", "DaemonSet", "1.16", "use apps/v1"},
		{"batch/v1beta1", "CronJob", "1.25", "use batch/v1"},
		{"networking.k8s.io/v1beta1", "Ingress", "1.22", "use networking.k8s.io/v1"},
		{"policy/v1beta1", "PodDisruptionBudget", "1.25", "use policy/v1"},
		{"policy/v1beta1", "PodSecurityPolicy", "1.25", "PodSecurityPolicy has no replacement API; use Pod Security admission namespace labels"},
		{"rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", "1.22", "use rbac.authorization.k8s.io/v1"},
		{"rbac.authorization.k8s.io/v1alpha1", "Role", "1.22", "use rbac.authorization.k8s.io/v1"},
		{"storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.27", "use storage.k8s.io/v1"},
		{"storage.k8s.io/v1beta1", "StorageClass", "1.22", "use storage.k8s.io/v1"},
		{"autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26", "use autoscaling/v2"},
		{"flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.32", "use flowcontrol.apiserver.k8s.io/v1"},
		{"apps/v1", "Deployment", "", ""},
		{"networking.k8s.io/v1", "Ingress", "", ""},
		{"policy/v1", "PodDisruptionBudget", "", ""},
		{"storage.k8s.io/v1", "StorageClass", "", ""},
		{"example.com/v1beta1", "Widget", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.apiVersion+" "+tt.kind, func(t *testing.T) {
			doc := "apiVersion: " + tt.apiVersion + "\nkind: " + tt.kind + "\nmetadata: {name: x}\n"
			fs := checktest.Run(t, "K8S-133", doc, nil)
			if tt.removedIn == "" {
				if len(fs) != 0 {
					t.Errorf("want no findings, got %v", fs)
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("want 1 finding, got %v", fs)
			}
			f := fs[0]
			want := tt.kind + ` "x" uses apiVersion ` + tt.apiVersion + ", removed in Kubernetes " + tt.removedIn + "; " + tt.use
			if f.Field != "apiVersion" || f.Evidence != tt.apiVersion || f.Message != want {
				t.Errorf("got %s %q %q, want apiVersion %q %q", f.Field, f.Evidence, f.Message, tt.apiVersion, want)
			}
		})
	}
}

func TestRemovedAPIVersionLocation(t *testing.T) {
	doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: ok}
spec:
  template:
    spec:
      containers: [{name: app, image: app}]
---
kind: Deployment
apiVersion: extensions/v1beta1
metadata: {name: old}
spec:
  template:
    spec:
      containers: [{name: app, image: app}]
`
	fs := checktest.Run(t, "K8S-133", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	if got := fs[0].Location.String(); got != "test.yaml:10:1" {
		t.Errorf("location = %s, want test.yaml:10:1", got)
	}
	if fs[0].Subject.Name != "old" {
		t.Errorf("subject = %v", fs[0].Subject)
	}
}
