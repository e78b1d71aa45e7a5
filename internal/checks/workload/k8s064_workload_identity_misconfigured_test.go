package workload

import (
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestWorkloadIdentityMisconfigured(t *testing.T) {
	const saWI = "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: shop\n  annotations: {azure.workload.identity/client-id: 11111111-2222-3333-4444-555555555555}\n"
	const saPlain = "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n"
	const labelPath = "spec.template.metadata.labels[azure.workload.identity/use]"
	doc := func(deployLabels, tplMeta, docs string) string {
		return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
` + deployLabels + `spec:
  template:
` + tplMeta + `    spec:
      serviceAccountName: api
      containers: [{name: app, image: app}]
` + docs
	}
	const useTrue = "    metadata:\n      labels: {app: api, azure.workload.identity/use: \"true\"}\n"
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"configured", doc("", useTrue, saWI), []string{}},
		{"SA not in inventory", doc("", useTrue, ""), []string{}},
		{"no workload identity at all", doc("", "    metadata:\n      labels: {app: api}\n", saPlain), []string{}},
		{"label but SA lacks client id", doc("", useTrue, saPlain), []string{"spec.template.spec.serviceAccountName"}},
		{"SA has client id, pod lacks label", doc("", "    metadata:\n      labels: {app: api}\n", saWI), []string{labelPath}},
		{"SA has client id, pod opted out", doc("", "    metadata:\n      labels: {azure.workload.identity/use: \"false\"}\n", saWI), []string{}},
		{"label value True", doc("", "    metadata:\n      labels: {azure.workload.identity/use: \"True\"}\n", saWI), []string{labelPath}},
		{"annotation instead of label", doc("", "    metadata:\n      annotations: {azure.workload.identity/use: \"true\"}\n", saWI),
			[]string{"spec.template.metadata.annotations[azure.workload.identity/use]"}},
		{"label on the Deployment only", doc("  labels: {azure.workload.identity/use: \"true\"}\n", "", saWI), []string{labelPath}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := checktest.Run(t, "K8S-064", tt.doc, nil)
			if got := checktest.Fields(fs); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWorkloadIdentityMisconfiguredMessage(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: {azure.workload.identity/use: "true"}
spec:
  serviceAccountName: api
  containers: [{name: app, image: app}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: api}
`
	fs := checktest.Run(t, "K8S-064", doc, nil)
	want := []string{"spec.serviceAccountName"}
	if got := checktest.Fields(fs); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if fs[0].Evidence != "api" || !strings.Contains(fs[0].Message, "azure.workload.identity/client-id") {
		t.Errorf("finding = %q / %q", fs[0].Evidence, fs[0].Message)
	}
	if got := fs[0].Location.String(); got != "test.yaml:7:3" {
		t.Errorf("location = %s, want test.yaml:7:3", got)
	}
}
