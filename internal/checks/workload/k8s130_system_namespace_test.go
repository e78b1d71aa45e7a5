package workload

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestSystemNamespace(t *testing.T) {
	tests := []struct {
		ns   string // "" leaves metadata.namespace out
		want bool
	}{
		{"kube-system", true},
		{"kube-public", true},
		{"kube-node-lease", true},
		{"default", false},
		{"kube-systems", false},
		{"web", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.ns, func(t *testing.T) {
			ns := ""
			if tt.ns != "" {
				ns = ", namespace: " + tt.ns
			}
			doc := "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent" + ns + "}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: app}]\n"
			fs := checktest.Run(t, "K8S-130", doc, nil)
			got := checktest.Fields(fs)
			if !tt.want {
				if len(got) != 0 {
					t.Errorf("want no findings, got %v", got)
				}
				return
			}
			if len(got) != 1 || got[0] != "metadata.namespace" || fs[0].Evidence != tt.ns {
				t.Errorf("got %v, want [metadata.namespace] with evidence %s", fs, tt.ns)
			}
		})
	}
}

func TestSystemNamespaceFinding(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata:
  name: tool
  namespace: kube-system
spec:
  containers: [{name: app, image: app}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: kube-system}
`
	fs := checktest.Run(t, "K8S-130", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding (workloads only), got %v", fs)
	}
	f := fs[0]
	if got := f.Location.String(); got != "test.yaml:5:3" {
		t.Errorf("location = %s, want test.yaml:5:3", got)
	}
	if want := `Pod "tool" is deployed to the system namespace kube-system`; f.Message != want {
		t.Errorf("message = %q, want %q", f.Message, want)
	}
}
