package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestNakedPod(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata:
  name: naked
spec:
  containers: [{name: app, image: app}]
---
apiVersion: v1
kind: Pod
metadata:
  name: owned
  ownerReferences:
  - {apiVersion: apps/v1, kind: ReplicaSet, name: web-5d4f, uid: 2b1c6a3e-0000-4000-8000-000000000001, controller: true}
spec:
  containers: [{name: app, image: app}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: app, image: app}]
`
	fs := checktest.Run(t, "K8S-132", doc, nil)
	var got []string
	for _, f := range fs {
		got = append(got, f.Subject.Name+" "+f.Field+" "+f.Location.String())
	}
	// ownerReferences is missing, so the location is metadata, where it would go.
	want := []string{"naked metadata.ownerReferences test.yaml:3:1"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if len(fs) == 1 {
		if want := `Pod "naked" has no owner: no controller recreates it when its node is drained or fails`; fs[0].Message != want {
			t.Errorf("message = %q, want %q", fs[0].Message, want)
		}
	}
}
