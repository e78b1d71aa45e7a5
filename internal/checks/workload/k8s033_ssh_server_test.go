package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestSSHServer(t *testing.T) {
	const c0 = "spec.template.spec.containers[0]"
	tests := []struct {
		name string
		ctr  string // extra keys of the container, flow YAML
		want []string
	}{
		{"port 22", "ports: [{containerPort: 8080}, {containerPort: 22}]", []string{c0 + ".ports[1].containerPort"}},
		{"sshd command", `command: ["/usr/sbin/sshd", "-D"]`, []string{c0 + ".command[0]"}},
		{"sshd in a shell script", `command: [sh, -c], args: ["echo root:hunter2 | chpasswd && exec /usr/sbin/sshd -D -e"]`, []string{c0 + ".args[0]"}},
		{"dropbear", `args: [dropbear, -F]`, []string{c0 + ".args[0]"}},
		{"service ssh start", `command: [bash, -c, "service ssh start && sleep infinity"]`, []string{c0 + ".command[2]"}},
		{"upper case", `command: [SSHD]`, []string{c0 + ".command[0]"}},
		{"ssh client", `command: [ssh, -N, -L, "5432:db:5432", bastion]`, nil},
		{"sshd_config only", `command: [cat, /etc/ssh/sshd_config]`, nil},
		{"word containing sshd", `command: [mysshdaemon]`, nil},
		{"ordinary app", `command: [nginx, -g, "daemon off;"], ports: [{containerPort: 8080}]`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - {name: app, image: app, ` + tt.ctr + "}\n"
			got := checktest.Fields(checktest.Run(t, "K8S-033", doc, nil))
			want := append([]string{}, tt.want...)
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestSSHServerFinding(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: box
    image: box
    command: ["/bin/sh", "-c"]
    args:
    - echo 'root:s3cret' | chpasswd; /usr/sbin/sshd -D
`
	fs := checktest.Run(t, "K8S-033", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	f := fs[0]
	if f.Field != "spec.containers[0].args[0]" {
		t.Errorf("field = %s", f.Field)
	}
	if got := f.Location.String(); got != "test.yaml:10:7" {
		t.Errorf("location = %s, want test.yaml:10:7", got)
	}
	// The evidence and message name the server, never the script, which
	// holds a password here.
	if f.Evidence != "sshd" {
		t.Errorf("evidence = %q, want sshd", f.Evidence)
	}
	if want := `container "box" starts an SSH server: args[0] runs sshd`; f.Message != want {
		t.Errorf("message = %q, want %q", f.Message, want)
	}
}
