package cluster

import (
	"strings"
	"testing"
)

const restrictedNS = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: restricted
`

// compliantPod meets restricted; privilegedPod breaks baseline.
const compliantPod = `apiVersion: v1
kind: Pod
metadata: {name: ok, namespace: shop}
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: c
    image: x
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`

func privilegedPod(name, ns string) string {
	return `apiVersion: v1
kind: Pod
metadata: {name: ` + name + `, namespace: ` + ns + `}
spec:
  containers:
  - name: c
    image: x
    securityContext: {privileged: true}
`
}

func TestNamespacePodsViolateEnforce(t *testing.T) {
	ns := func(labels string) string {
		return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {" + labels + "}\n"
	}
	tests := []struct {
		name       string
		doc        string
		controlled string
		want       string // substring of the message; "" for no finding
	}{
		{"naked privileged pod", restrictedNS + "---\n" + privilegedPod("debug", "shop"), "", `1 of the 1 pods running in namespace "shop"`},
		{"compliant pods", restrictedNS + "---\n" + compliantPod, "", ""},
		{"controlled pods count", restrictedNS + "---\n" + compliantPod,
			privilegedPod("web-1", "shop") + "---\n" + privilegedPod("web-2", "shop"),
			`2 of the 3 pods running in namespace "shop" violate the Pod Security level it enforces (restricted:latest), which admits them only because they predate the label or were exempted: web-1 (and 1 other pod): privileged`},
		{"pods of other namespaces", restrictedNS + "---\n" + privilegedPod("debug", "other"), "", ""},
		{"baseline admits what restricted would not", ns(`pod-security.kubernetes.io/enforce: baseline`) + "---\n" +
			strings.Replace(compliantPod, "runAsNonRoot: true", "runAsNonRoot: false", 1), "", ""},
		{"baseline rejects privileged", ns(`pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/enforce-version: v1.30`) + "---\n" +
			privilegedPod("debug", "shop"), "", "(baseline:v1.30)"},
		{"privileged namespace", ns(`pod-security.kubernetes.io/enforce: privileged`) + "---\n" + privilegedPod("debug", "shop"), "", ""},
		{"no label", ns(``) + "---\n" + privilegedPod("debug", "shop"), "", ""},
		{"invalid label is K8S-034's", ns(`pod-security.kubernetes.io/enforce: strict`) + "---\n" + privilegedPod("debug", "shop"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := run(t, "K8S-036", tt.doc, live(t, "v1.37.2", tt.controlled))
			if tt.want == "" {
				if len(fs) != 0 {
					t.Fatalf("want no finding, got %v", fs)
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("want 1 finding, got %v", fs)
			}
			f := fs[0]
			if !strings.Contains(f.Message, tt.want) {
				t.Errorf("message %q does not contain %q", f.Message, tt.want)
			}
			if f.Field != "metadata.labels[pod-security.kubernetes.io/enforce]" || f.Subject.Kind != "Namespace" {
				t.Errorf("finding on %s %s", f.Subject, f.Field)
			}
		})
	}
}

// Manifests hold no running pods: a namespace and a pod in the same files
// are K8S-001's business, not this check's.
func TestNamespacePodsViolateEnforceNeedsACluster(t *testing.T) {
	if fs := run(t, "K8S-036", restrictedNS+"---\n"+privilegedPod("debug", "shop"), nil); len(fs) != 0 {
		t.Errorf("files: want no finding, got %v", fs)
	}
}

// The cluster's own version decides what "latest" means, as in the API
// server: before 1.35 (restricted procMount check) hostUsers:false pods
// with an unmasked /proc were rejected by baseline.
func TestNamespacePodsViolateEnforceEmulatesServer(t *testing.T) {
	doc := `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {pod-security.kubernetes.io/enforce: baseline}
---
apiVersion: v1
kind: Pod
metadata: {name: userns, namespace: shop}
spec:
  hostUsers: false
  containers:
  - name: c
    image: x
    securityContext: {procMount: Unmasked}
`
	if fs := run(t, "K8S-036", doc, live(t, "v1.34.1", "")); len(fs) != 1 {
		t.Errorf("1.34 server: want 1 finding, got %v", fs)
	}
	if fs := run(t, "K8S-036", doc, live(t, "v1.37.2", "")); len(fs) != 0 {
		t.Errorf("1.37 server: want no finding, got %v", fs)
	}
}
