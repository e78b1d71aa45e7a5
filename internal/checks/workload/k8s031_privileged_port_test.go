package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestPrivilegedPort(t *testing.T) {
	tests := []struct {
		ports string
		want  []string
	}{
		{"[{containerPort: 80}]", []string{"[0]"}},
		{"[{containerPort: 8080}, {containerPort: 443, protocol: TCP}, {containerPort: 53, protocol: UDP}]", []string{"[1]", "[2]"}},
		{"[{containerPort: 1023}]", []string{"[0]"}},
		{"[{containerPort: 1024}]", nil},
		{"[{containerPort: 8443, hostPort: 443}]", nil},
		{"[]", nil},
	}
	for _, tt := range tests {
		t.Run(tt.ports, func(t *testing.T) {
			doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: app
        image: app
        ports: ` + tt.ports + "\n"
			got := checktest.Fields(checktest.Run(t, "K8S-031", doc, nil))
			want := []string{}
			for _, i := range tt.want {
				want = append(want, "spec.template.spec.containers[0].ports"+i+".containerPort")
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestPrivilegedPortFinding(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: web
    image: nginx
    ports:
    - name: http
      containerPort: 80
`
	fs := checktest.Run(t, "K8S-031", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	f := fs[0]
	if f.Field != "spec.containers[0].ports[0].containerPort" || f.Evidence != "80" {
		t.Errorf("field, evidence = %s, %q", f.Field, f.Evidence)
	}
	if got := f.Location.String(); got != "test.yaml:10:7" {
		t.Errorf("location = %s, want test.yaml:10:7", got)
	}
	if want := `container "web" listens on privileged port 80`; f.Message != want {
		t.Errorf("message = %q, want %q", f.Message, want)
	}
}
