package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestWritableHostPath(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"writable mount", `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: app
        image: app
        volumeMounts:
        - {name: cache, mountPath: /cache}
        - {name: host, mountPath: /host}
      volumes:
      - {name: cache, emptyDir: {}}
      - {name: host, hostPath: {path: /data}}
`, []string{"spec.template.spec.containers[0].volumeMounts[1]"}},
		{"readOnly false explicitly", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: app
    volumeMounts: [{name: host, mountPath: /host, readOnly: false}]
  volumes: [{name: host, hostPath: {path: /data}}]
`, []string{"spec.containers[0].volumeMounts[0]"}},
		{"read-only mount", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: app
    volumeMounts: [{name: host, mountPath: /host, readOnly: true}]
  volumes: [{name: host, hostPath: {path: /data}}]
`, []string{}},
		{"hostPath not mounted", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: app, image: app}]
  volumes: [{name: host, hostPath: {path: /data}}]
`, []string{}},
		{"init and ephemeral containers", `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - {name: setup, image: app, volumeMounts: [{name: host, mountPath: /h}]}
  containers:
  - {name: app, image: app, volumeMounts: [{name: host, mountPath: /h, readOnly: true}]}
  ephemeralContainers:
  - {name: debug, image: busybox, volumeMounts: [{name: host, mountPath: /h}]}
  volumes: [{name: host, hostPath: {path: /var/log}}]
`, []string{"spec.initContainers[0].volumeMounts[0]", "spec.ephemeralContainers[0].volumeMounts[0]"}},
		{"CronJob", `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: app, image: app, volumeMounts: [{name: host, mountPath: /h}]}]
          volumes: [{name: host, hostPath: {path: /data}}]
`, []string{"spec.jobTemplate.spec.template.spec.containers[0].volumeMounts[0]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checktest.Fields(checktest.Run(t, "K8S-006", tt.doc, nil))
			slices.Sort(got)
			slices.Sort(tt.want)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWritableHostPathFinding(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: app
    volumeMounts:
    - name: host
      mountPath: /host
  volumes:
  - name: host
    hostPath:
      path: /srv/data/
`
	fs := checktest.Run(t, "K8S-006", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	f := fs[0]
	if got := f.Location.String(); got != "test.yaml:9:7" {
		t.Errorf("location = %s, want test.yaml:9:7", got)
	}
	if f.Evidence != "/srv/data" {
		t.Errorf("evidence = %q, want /srv/data", f.Evidence)
	}
	if want := `container "app" mounts hostPath volume "host" (host path /srv/data) at /host without readOnly: true`; f.Message != want {
		t.Errorf("message = %q, want %q", f.Message, want)
	}
}
