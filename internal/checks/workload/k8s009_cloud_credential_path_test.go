package workload

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestCloudCredentialPath(t *testing.T) {
	tests := []struct {
		name string
		path string
		want bool
	}{
		{"azure.json", "/etc/kubernetes/azure.json", true},
		{"kubernetes dir", "/etc/kubernetes", true},
		{"kubernetes certs", "/etc/kubernetes/certs", true},
		{"trailing slash", "/etc/kubernetes/", true},
		{"root azure cli", "/root/.azure", true},
		{"home azure cli", "/home/azureuser/.azure", true},
		{"waagent", "/var/lib/waagent", true},
		{"windows azure.json", `C:\k\azure.json`, true},
		{"windows k dir", `c:/k`, true},
		{"windows other", `C:\data`, false},
		{"etc is K8S-007's", "/etc", false},
		{"look-alike", "/etc/kubernetes-backup", false},
		{"azure-named dir", "/opt/azure", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assertHostPath(t, "K8S-009", tt.path, tt.want) })
	}
}

func TestCloudCredentialPathFinding(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - {name: init, image: app, volumeMounts: [{name: azure, mountPath: /azure.json}]}
  containers:
  - {name: app, image: app, volumeMounts: [{name: azure, mountPath: /azure.json, readOnly: true}]}
  volumes:
  - name: azure
    hostPath: {path: /etc/kubernetes/azure.json, type: File}
`
	fs := checktest.Run(t, "K8S-009", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	f := fs[0]
	if got := f.Location.String(); got != "test.yaml:11:16" {
		t.Errorf("location = %s, want test.yaml:11:16", got)
	}
	if f.Field != "spec.volumes[0].hostPath.path" || f.Evidence != "/etc/kubernetes/azure.json" {
		t.Errorf("field, evidence = %s, %q", f.Field, f.Evidence)
	}
	if want := `volume "azure" mounts host path /etc/kubernetes/azure.json, which holds the node's Azure credentials (mounted by init container "init", container "app")`; f.Message != want {
		t.Errorf("message = %q, want %q", f.Message, want)
	}
}
