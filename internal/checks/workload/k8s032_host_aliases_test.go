package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestHostAliases(t *testing.T) {
	tests := []struct {
		name    string
		aliases string
		want    []string
	}{
		{"two entries", "[{ip: 10.0.0.5, hostnames: [db.internal]}, {ip: 10.0.0.6, hostnames: [a, b]}]",
			[]string{"spec.template.spec.hostAliases[0]", "spec.template.spec.hostAliases[1]"}},
		{"empty list", "[]", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      hostAliases: ` + tt.aliases + `
      containers: [{name: app, image: app}]
`
			got := checktest.Fields(checktest.Run(t, "K8S-032", doc, nil))
			want := append([]string{}, tt.want...)
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
	t.Run("no hostAliases", func(t *testing.T) {
		doc := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: app, image: app}]\n"
		if fs := checktest.Run(t, "K8S-032", doc, nil); len(fs) != 0 {
			t.Errorf("want no findings, got %v", fs)
		}
	})
}

func TestHostAliasesFinding(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: app, image: app}]
  hostAliases:
  - ip: 203.0.113.7
    hostnames:
    - login.microsoftonline.com
    - management.azure.com
`
	fs := checktest.Run(t, "K8S-032", doc, nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	f := fs[0]
	if f.Field != "spec.hostAliases[0]" {
		t.Errorf("field = %s", f.Field)
	}
	if got := f.Location.String(); got != "test.yaml:7:5" {
		t.Errorf("location = %s, want test.yaml:7:5", got)
	}
	if f.Evidence != "203.0.113.7 login.microsoftonline.com management.azure.com" {
		t.Errorf("evidence = %q", f.Evidence)
	}
	if want := `hostAliases maps login.microsoftonline.com, management.azure.com to 203.0.113.7 in every container's /etc/hosts`; f.Message != want {
		t.Errorf("message = %q, want %q", f.Message, want)
	}
}
