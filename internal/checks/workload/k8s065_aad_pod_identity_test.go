package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestAADPodIdentity(t *testing.T) {
	doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: legacy, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: legacy, aadpodidbinding: legacy-binding}
    spec:
      containers: [{name: app, image: app}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: modern, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: modern, azure.workload.identity/use: "true"}
    spec:
      containers: [{name: app, image: app}]
---
apiVersion: aadpodidentity.k8s.io/v1
kind: AzureIdentity
metadata: {name: legacy-id, namespace: shop}
spec:
  type: 0
  resourceID: /subscriptions/x/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/legacy
  clientID: 11111111-2222-3333-4444-555555555555
---
apiVersion: aadpodidentity.k8s.io/v1
kind: AzureIdentityBinding
metadata: {name: legacy-binding, namespace: shop}
spec: {azureIdentity: legacy-id, selector: legacy-binding}
---
apiVersion: aadpodidentity.k8s.io/v1
kind: AzurePodIdentityException
metadata: {name: exc, namespace: shop}
spec: {podLabels: {app: x}}
---
apiVersion: example.com/v1
kind: AzureIdentity
metadata: {name: unrelated}
`
	fs := checktest.Run(t, "K8S-065", doc, nil)
	want := []string{"spec.template.metadata.labels[aadpodidbinding]", "kind", "kind", "kind"}
	if got := checktest.Fields(fs); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if fs[0].Evidence != "legacy-binding" || fs[0].Location.String() != "test.yaml:7:29" {
		t.Errorf("label finding = %q at %s", fs[0].Evidence, fs[0].Location)
	}
	if fs[1].Evidence != "aadpodidentity.k8s.io/v1/AzureIdentity" || fs[1].Location.String() != "test.yaml:22:1" {
		t.Errorf("AzureIdentity finding = %q at %s", fs[1].Evidence, fs[1].Location)
	}
}
