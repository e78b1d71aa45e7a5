package workload

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestServiceAccountReference(t *testing.T) {
	const saShop = "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: worker, namespace: shop}\n"
	const saAPI = "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n"
	const saOther = "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: worker, namespace: other}\n"
	tests := []struct {
		name, podSpec, docs string
		want                []string
	}{
		{"deprecated field alone", "      serviceAccount: api\n", "", []string{"spec.template.spec.serviceAccount"}},
		{"deprecated field contradicts", "      serviceAccountName: api\n      serviceAccount: legacy\n", "", []string{"spec.template.spec.serviceAccount"}},
		{"both equal (API read-back)", "      serviceAccountName: api\n      serviceAccount: api\n", "", []string{}},
		{"missing SA, namespace has others", "      serviceAccountName: api\n", saShop, []string{"spec.template.spec.serviceAccountName"}},
		{"missing SA via deprecated field", "      serviceAccount: api\n", saShop, []string{"spec.template.spec.serviceAccount", "spec.template.spec.serviceAccount"}},
		{"SA present", "      serviceAccountName: api\n", saShop + saAPI, []string{}},
		{"no SAs of this namespace", "      serviceAccountName: api\n", saOther, []string{}},
		{"default always exists", "      serviceAccountName: default\n", saShop, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := checktest.Run(t, "K8S-062", saDeployment(tt.podSpec, tt.docs), nil)
			if got := checktest.Fields(fs); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestServiceAccountReferenceMessage(t *testing.T) {
	doc := saDeployment("      serviceAccountName: api\n", "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: worker, namespace: shop}\n")
	fs := checktest.Run(t, "K8S-062", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	if want := `ServiceAccount "api" is not among the 1 ServiceAccount the manifests define in namespace shop`; fs[0].Evidence != "api" || fs[0].Message != want {
		t.Errorf("finding = %q / %q, want %q", fs[0].Evidence, fs[0].Message, want)
	}
	if got := fs[0].Location.String(); got != "test.yaml:8:7" {
		t.Errorf("location = %s, want test.yaml:8:7", got)
	}
}

// The message names what is wrong, not the namespace: with many accounts it
// gives their number and no names (it once listed them all, 42 KB a finding).
func TestServiceAccountReferenceMessageStaysShort(t *testing.T) {
	var docs strings.Builder
	for i := range 300 {
		fmt.Fprintf(&docs, "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: account-%03d, namespace: shop}\n", i)
	}
	fs := checktest.Run(t, "K8S-062", saDeployment("      serviceAccountName: api\n", docs.String()), nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	if m := fs[0].Message; strings.Contains(m, "account-") || !strings.Contains(m, "300 ServiceAccounts") {
		t.Errorf("message = %q, want the count and no names", m)
	}
}
