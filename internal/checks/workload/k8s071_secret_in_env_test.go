package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestSecretInEnv(t *testing.T) {
	doc := `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  template:
    spec:
      containers:
      - name: app
        image: app
        env:
        - name: LOG_LEVEL
          value: info
        - name: POD_NAME
          valueFrom:
            fieldRef: {fieldPath: metadata.name}
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef: {name: db-credentials, key: password}
        - name: FEATURE
          valueFrom:
            configMapKeyRef: {name: features, key: flag}
        envFrom:
        - configMapRef: {name: settings}
        - secretRef: {name: api-keys}
        volumeMounts:
        - {name: creds, mountPath: /var/run/secrets/app, readOnly: true}
      volumes:
      - name: creds
        secret: {secretName: db-credentials}
`
	fs := checktest.Run(t, "K8S-071", doc, nil)
	want := []string{
		"spec.template.spec.containers[0].env[2].valueFrom.secretKeyRef",
		"spec.template.spec.containers[0].envFrom[1].secretRef",
	}
	if got := checktest.Fields(fs); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if fs[0].Evidence != "db-credentials/password" || fs[1].Evidence != "api-keys" {
		t.Errorf("evidence = %q, %q", fs[0].Evidence, fs[1].Evidence)
	}
	if got := fs[0].Location.String(); got != "test.yaml:18:13" {
		t.Errorf("location = %s, want test.yaml:18:13", got)
	}
}

func TestSecretInEnvNone(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: app
    env:
    - {name: A, value: b}
    envFrom:
    - configMapRef: {name: settings}
`
	if fs := checktest.Run(t, "K8S-071", doc, nil); len(fs) != 0 {
		t.Fatalf("want no finding, got %v", fs)
	}
}
