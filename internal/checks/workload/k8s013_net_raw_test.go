package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestNetRaw(t *testing.T) {
	const base = "spec.template.spec.containers[0].securityContext"
	tests := []struct {
		name string
		sc   string // the container's securityContext, as flow YAML
		os   string
		want []string
	}{
		{"no securityContext", "{}", "", []string{base + ".capabilities.drop"}},
		{"drops other capabilities", "{capabilities: {drop: [CHOWN]}}", "", []string{base + ".capabilities.drop"}},
		{"drops ALL", "{capabilities: {drop: [ALL]}}", "", nil},
		{"drops NET_RAW", "{capabilities: {drop: [NET_RAW]}}", "", nil},
		{"drops cap_net_raw", "{capabilities: {drop: [cap_net_raw]}}", "", nil},
		{"drops ALL, adds NET_RAW back", "{capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, NET_RAW]}}", "", []string{base + ".capabilities.add[1]"}},
		{"adds NET_RAW, drops nothing", "{capabilities: {add: [NET_RAW]}}", "", []string{base + ".capabilities.add[0]"}},
		{"adds ALL, drops ALL", "{capabilities: {drop: [ALL], add: [ALL]}}", "", nil},
		{"adds ALL, drops nothing", "{capabilities: {add: [ALL]}}", "", []string{base + ".capabilities.drop"}},
		{"windows pod", "{}", "windows", nil},
		{"linux pod", "{}", "linux", []string{base + ".capabilities.drop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os := ""
			if tt.os != "" {
				os = "      os: {name: " + tt.os + "}\n"
			}
			doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
` + os + `      containers:
      - name: app
        image: app
        securityContext: ` + tt.sc + "\n"
			got := checktest.Fields(checktest.Run(t, "K8S-013", doc, nil))
			want := tt.want
			if want == nil {
				want = []string{}
			}
			if !slices.Equal(got, want) {
				t.Errorf("securityContext %s: got %v, want %v", tt.sc, got, want)
			}
		})
	}
}

func TestNetRawFinding(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - name: init
    image: app
    securityContext:
      capabilities:
        drop: [ALL]
  containers:
  - name: app
    image: app
    securityContext:
      runAsNonRoot: true
`
	fs := checktest.Run(t, "K8S-013", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	f := fs[0]
	if f.Field != "spec.containers[0].securityContext.capabilities.drop" {
		t.Errorf("field = %s", f.Field)
	}
	// The drop list is missing, so the finding points at the securityContext to add it to.
	if got := f.Location.String(); got != "test.yaml:14:5" {
		t.Errorf("location = %s, want test.yaml:14:5", got)
	}
	if want := `container "app" does not drop NET_RAW (capabilities.drop is [])`; f.Message != want {
		t.Errorf("message = %q, want %q", f.Message, want)
	}
}
