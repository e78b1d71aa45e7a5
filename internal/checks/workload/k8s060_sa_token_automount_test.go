package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

// saDeployment is a Deployment in namespace shop with the given extra pod
// spec lines (indented for the pod spec), followed by extra documents.
func saDeployment(podSpec, extraDocs string) string {
	return `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: app, image: app}]
` + podSpec + extraDocs
}

func TestSATokenAutomount(t *testing.T) {
	tests := []struct {
		name, podSpec, docs string
		want                bool
		evidence            string
	}{
		{"unset, SA not in inventory", "      serviceAccountName: api\n", "", true, ""},
		{"pod true", "      serviceAccountName: api\n      automountServiceAccountToken: true\n", "", true, "true"},
		{"pod false", "      automountServiceAccountToken: false\n", "", false, ""},
		{"SA false", "      serviceAccountName: api\n",
			"---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\nautomountServiceAccountToken: false\n", false, ""},
		{"SA unset", "      serviceAccountName: api\n",
			"---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n", true, ""},
		{"SA true", "      serviceAccountName: api\n",
			"---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\nautomountServiceAccountToken: true\n", true, ""},
		{"SA false in another namespace", "      serviceAccountName: api\n",
			"---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: other}\nautomountServiceAccountToken: false\n", true, ""},
		{"pod true overrides SA false", "      serviceAccountName: api\n      automountServiceAccountToken: true\n",
			"---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\nautomountServiceAccountToken: false\n", true, "true"},
		{"default SA opted out", "",
			"---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\nautomountServiceAccountToken: false\n", false, ""},
		{"deprecated field names the SA", "      serviceAccount: api\n",
			"---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\nautomountServiceAccountToken: false\n", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := checktest.Run(t, "K8S-060", saDeployment(tt.podSpec, tt.docs), nil)
			want := []string{}
			if tt.want {
				want = []string{"spec.template.spec.automountServiceAccountToken"}
			}
			if got := checktest.Fields(fs); !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			if tt.want && fs[0].Evidence != tt.evidence {
				t.Errorf("evidence = %q, want %q", fs[0].Evidence, tt.evidence)
			}
		})
	}
}

func TestSATokenAutomountLocation(t *testing.T) {
	fs := checktest.Run(t, "K8S-060", saDeployment("      automountServiceAccountToken: true\n", ""), nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	if got := fs[0].Location.String(); got != "test.yaml:8:7" {
		t.Errorf("location = %s, want test.yaml:8:7", got)
	}
	// Unset: the finding points at the pod spec, where the field goes.
	fs = checktest.Run(t, "K8S-060", saDeployment("", ""), nil)
	if len(fs) != 1 || fs[0].Location.String() != "test.yaml:6:5" {
		t.Errorf("unset: got %v", fs)
	}
}
