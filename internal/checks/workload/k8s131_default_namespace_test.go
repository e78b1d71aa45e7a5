package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestDefaultNamespace(t *testing.T) {
	doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: explicit, namespace: default}
spec:
  template:
    spec:
      containers: [{name: app, image: app}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: omitted}
spec:
  template:
    spec:
      containers: [{name: app, image: app}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: own, namespace: web}
spec:
  template:
    spec:
      containers: [{name: app, image: app}]
---
apiVersion: batch/v1
kind: Job
metadata:
  name: job
  namespace: default
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: app, image: app}]
---
apiVersion: v1
kind: Service
metadata: {name: svc, namespace: default}
`
	fs := checktest.Run(t, "K8S-131", doc, nil)
	var got []string
	for _, f := range fs {
		got = append(got, f.Subject.Name+" "+f.Field+" "+f.Location.String())
	}
	want := []string{
		"explicit metadata.namespace test.yaml:3:28",
		"job metadata.namespace test.yaml:29:3",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if len(fs) > 0 {
		if want := `Deployment "explicit" is deployed to the default namespace`; fs[0].Message != want {
			t.Errorf("message = %q, want %q", fs[0].Message, want)
		}
		if fs[0].Evidence != "default" {
			t.Errorf("evidence = %q", fs[0].Evidence)
		}
	}
}
