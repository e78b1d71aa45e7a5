package workload

import (
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestDuplicateEnv(t *testing.T) {
	doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
      - name: setup
        image: app
        env:
        - {name: MODE, value: init}
      containers:
      - name: app
        image: app
        env:
        - {name: MODE, value: safe}
        - {name: TLS_VERIFY, value: "true"}
        - {name: tls_verify, value: "x"}
        - {name: TLS_VERIFY, value: "false"}
        - {name: TLS_VERIFY, value: "0"}
`
	fs := checktest.Run(t, "K8S-073", doc, nil)
	want := []string{
		"spec.template.spec.containers[0].env[3].name",
		"spec.template.spec.containers[0].env[4].name",
	}
	if got := checktest.Fields(fs); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if fs[0].Evidence != "TLS_VERIFY" || !strings.Contains(fs[0].Message, "env[1]") {
		t.Errorf("finding = %q / %q", fs[0].Evidence, fs[0].Message)
	}
	if got := fs[0].Location.String(); got != "test.yaml:19:12" {
		t.Errorf("location = %s, want test.yaml:19:12", got)
	}
}

func TestDuplicateEnvNone(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    image: app
    env: [{name: X, value: "1"}, {name: Y, value: "2"}]
  - name: b
    image: app
    env: [{name: X, value: "3"}]
`
	if fs := checktest.Run(t, "K8S-073", doc, nil); len(fs) != 0 {
		t.Fatalf("want no finding, got %v", fs)
	}
}
