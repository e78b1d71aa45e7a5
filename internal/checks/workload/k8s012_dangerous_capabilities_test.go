package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestDangerousCapabilities(t *testing.T) {
	tests := []struct {
		name string
		add  string
		want []string
	}{
		{"sys_admin", "[SYS_ADMIN]", []string{"[0]"}},
		{"all", "[ALL]", []string{"[0]"}},
		{"cap prefix and lower case", "[cap_sys_ptrace, Net_Admin]", []string{"[0]", "[1]"}},
		{"mixed with harmless", "[NET_BIND_SERVICE, BPF, CHOWN, PERFMON]", []string{"[1]", "[3]"}},
		{"every listed capability", "[SYS_MODULE, SYS_RAWIO, DAC_READ_SEARCH, SYS_BOOT, MAC_ADMIN, MAC_OVERRIDE]", []string{"[0]", "[1]", "[2]", "[3]", "[4]", "[5]"}},
		{"harmless only", "[NET_BIND_SERVICE, CHOWN]", nil},
		{"NET_RAW is K8S-013's", "[NET_RAW]", nil},
		{"empty", "[]", nil},
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
      - name: app
        image: app
        securityContext:
          capabilities:
            drop: [ALL]
            add: ` + tt.add + "\n"
			got := checktest.Fields(checktest.Run(t, "K8S-012", doc, nil))
			want := []string{}
			for _, i := range tt.want {
				want = append(want, "spec.template.spec.containers[0].securityContext.capabilities.add"+i)
			}
			if !slices.Equal(got, want) {
				t.Errorf("add %s: got %v, want %v", tt.add, got, want)
			}
		})
	}
}

func TestDangerousCapabilitiesFinding(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: ok
    image: app
  ephemeralContainers:
  - name: debug
    image: busybox
    securityContext:
      capabilities:
        add:
        - CHOWN
        - CAP_SYS_ADMIN
`
	fs := checktest.Run(t, "K8S-012", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	f := fs[0]
	if f.Field != "spec.ephemeralContainers[0].securityContext.capabilities.add[1]" {
		t.Errorf("field = %s", f.Field)
	}
	if got := f.Location.String(); got != "test.yaml:15:11" {
		t.Errorf("location = %s, want test.yaml:15:11", got)
	}
	if f.Evidence != "CAP_SYS_ADMIN" {
		t.Errorf("evidence = %q, want CAP_SYS_ADMIN", f.Evidence)
	}
	if want := `ephemeral container "debug" adds capability SYS_ADMIN, which lets it mount file systems, use namespaces and most privileged kernel interfaces`; f.Message != want {
		t.Errorf("message = %q, want %q", f.Message, want)
	}
}
