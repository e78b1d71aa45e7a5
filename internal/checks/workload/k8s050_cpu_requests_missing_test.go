package workload

import (
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

// resourcesPod is a Pod in namespace shop with an init container, an app
// container whose resources block is appResources (indented for the
// container) and an ephemeral container, followed by extra documents.
func resourcesPod(podResources, appResources, extraDocs string) string {
	return `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec:
` + podResources + `  initContainers:
  - name: setup
    image: app
    resources:
      requests: {cpu: 100m, memory: 64Mi, ephemeral-storage: 100Mi}
      limits: {cpu: 100m, memory: 64Mi, ephemeral-storage: 100Mi}
  containers:
  - name: app
    image: app
` + appResources + `  ephemeralContainers:
  - {name: debug, image: busybox}
` + extraDocs
}

// testResourceMissing runs the shared K8S-050..054 table for one check.
func testResourceMissing(t *testing.T, id string) {
	t.Helper()
	const full = "    resources:\n      requests: {cpu: 100m, memory: 64Mi, ephemeral-storage: 1Gi}\n      limits: {cpu: 200m, memory: 64Mi, ephemeral-storage: 2Gi}\n"
	const limitsOnly = "    resources:\n      limits: {cpu: 200m, memory: 64Mi, ephemeral-storage: 2Gi}\n"
	const requestsOnly = "    resources:\n      requests: {cpu: 100m, memory: 64Mi, ephemeral-storage: 1Gi}\n"
	const limitRange = "---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: defaults, namespace: shop}\nspec:\n  limits:\n  - type: Container\n" +
		"    default: {cpu: 500m, memory: 256Mi}\n    defaultRequest: {cpu: 100m}\n"
	const limitRangeOtherNS = "---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: defaults, namespace: other}\nspec:\n  limits:\n  - type: Container\n" +
		"    default: {cpu: 500m, memory: 256Mi, ephemeral-storage: 1Gi}\n"
	const limitRangeMinMax = "---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: bounds, namespace: shop}\nspec:\n  limits:\n  - type: Container\n" +
		"    min: {cpu: 50m}\n    max: {memory: 1Gi}\n  - type: Pod\n    max: {ephemeral-storage: 4Gi}\n"
	const podLevel = "  resources:\n    limits: {cpu: \"1\", memory: 1Gi}\n"

	type want map[string]bool // check id -> finding on the app container
	tests := []struct {
		name                 string
		podRes, appRes, docs string
		want                 want
	}{
		{"nothing set", "", "", "", want{"K8S-050": true, "K8S-051": true, "K8S-052": true, "K8S-053": true, "K8S-054": true}},
		{"everything set", "", full, "", want{}},
		{"limits only: requests default to limits", "", limitsOnly, "", want{}},
		{"requests only", "", requestsOnly, "", want{"K8S-051": true, "K8S-053": true, "K8S-054": true}},
		{"LimitRange defaults", "", "", limitRange, want{"K8S-054": true}},
		{"LimitRange of another namespace", "", "", limitRangeOtherNS, want{"K8S-050": true, "K8S-051": true, "K8S-052": true, "K8S-053": true, "K8S-054": true}},
		{"LimitRange min and max; Pod items ignored", "", "", limitRangeMinMax, want{"K8S-051": true, "K8S-054": true}},
		{"pod-level limits", podLevel, "", "", want{"K8S-054": true}},
	}
	paths := map[string]string{
		"K8S-050": "spec.containers[0].resources.requests.cpu",
		"K8S-051": "spec.containers[0].resources.limits.cpu",
		"K8S-052": "spec.containers[0].resources.requests.memory",
		"K8S-053": "spec.containers[0].resources.limits.memory",
		"K8S-054": "spec.containers[0].resources.limits.ephemeral-storage",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := checktest.Run(t, id, resourcesPod(tt.podRes, tt.appRes, tt.docs), nil)
			w := []string{}
			if tt.want[id] {
				w = []string{paths[id]}
			}
			if got := checktest.Fields(fs); !slices.Equal(got, w) {
				t.Fatalf("got %v, want %v", got, w)
			}
			if len(fs) > 0 && !strings.Contains(fs[0].Message, `container "app"`) {
				t.Errorf("message = %q", fs[0].Message)
			}
		})
	}
}

func TestCPURequestsMissing(t *testing.T) { testResourceMissing(t, "K8S-050") }

func TestResourcesMissingInitContainerAndLocation(t *testing.T) {
	doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
      - name: setup
        image: app
      containers:
      - name: app
        image: app
        resources:
          requests: {cpu: 100m}
`
	fs := checktest.Run(t, "K8S-050", doc, nil)
	want := []string{"spec.template.spec.initContainers[0].resources.requests.cpu"}
	if got := checktest.Fields(fs); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got := fs[0].Location.String(); got != "test.yaml:8:9" {
		t.Errorf("location = %s, want test.yaml:8:9", got)
	}
	if !strings.Contains(fs[0].Message, `init container "setup"`) {
		t.Errorf("message = %q", fs[0].Message)
	}
	// The app container has a requests map without memory: the finding
	// points at the requests key, where memory goes.
	fs = checktest.Run(t, "K8S-052", doc, nil)
	if len(fs) != 2 || fs[1].Location.String() != "test.yaml:14:11" {
		t.Errorf("K8S-052: got %v", fs)
	}
}
