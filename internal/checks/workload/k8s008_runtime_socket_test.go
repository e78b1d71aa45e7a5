package workload

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestRuntimeSocket(t *testing.T) {
	tests := []struct {
		name string
		path string
		want bool
	}{
		{"docker socket", "/var/run/docker.sock", true},
		{"docker socket under /run", "/run/docker.sock", true},
		{"containerd socket", "/run/containerd/containerd.sock", true},
		{"containerd directory", "/var/run/containerd", true},
		{"cri-o socket", "/var/run/crio/crio.sock", true},
		{"unnormalised", "//var/run/./docker.sock", true},
		{"all of /run", "/run", true},
		{"all of /var/run", "/var/run/", true},
		{"windows docker pipe", `\\.\pipe\docker_engine`, true},
		{"windows containerd pipe", `\\.\pipe\containerd-containerd`, true},
		{"other windows pipe", `\\.\pipe\app`, false},
		{"other socket", "/var/run/app.sock", false},
		{"var is K8S-007's", "/var", false},
		{"app data", "/data", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assertHostPath(t, "K8S-008", tt.path, tt.want) })
	}
}

func TestRuntimeSocketFinding(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: app
    volumeMounts: [{name: sock, mountPath: /var/run/docker.sock, readOnly: true}]
  volumes:
  - name: sock
    hostPath:
      path: /var/run/docker.sock
      type: Socket
`
	fs := checktest.Run(t, "K8S-008", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	f := fs[0]
	if got := f.Location.String(); got != "test.yaml:12:7" {
		t.Errorf("location = %s, want test.yaml:12:7", got)
	}
	if f.Field != "spec.volumes[0].hostPath.path" || f.Evidence != "/var/run/docker.sock" {
		t.Errorf("field, evidence = %s, %q", f.Field, f.Evidence)
	}
	if want := `volume "sock" mounts the container runtime socket /var/run/docker.sock (mounted by container "app")`; f.Message != want {
		t.Errorf("message = %q, want %q", f.Message, want)
	}
}
