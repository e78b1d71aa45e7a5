package workload

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestSensitiveHostPath(t *testing.T) {
	tests := []struct {
		name string
		path string
		want bool
	}{
		{"root", "/", true},
		{"etc", "/etc", true},
		{"below proc", "/proc/sys", true},
		{"kubelet dir", "/var/lib/kubelet/pods", true},
		{"parent of kubelet dir", "/var/lib", true},
		{"unnormalised", "/etc/../etc//ssl", true},
		{"app data", "/data/app", false},
		{"tmp", "/tmp", false},
		{"socket has its own check", "/var/run/docker.sock", false},
		{"azure.json has its own check", "/etc/kubernetes/azure.json", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assertHostPath(t, "K8S-007", tt.path, tt.want) })
	}
}

func TestSensitiveHostPathLocation(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: app, image: app}]
  volumes:
  - name: host
    hostPath:
      path: /etc
`
	fs := checktest.Run(t, "K8S-007", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	if got := fs[0].Location.String(); got != "test.yaml:9:7" {
		t.Errorf("location = %s, want test.yaml:9:7", got)
	}
	if fs[0].Evidence != "/etc" {
		t.Errorf("evidence = %q", fs[0].Evidence)
	}
}
