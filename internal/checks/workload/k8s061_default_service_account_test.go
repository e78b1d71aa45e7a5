package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestDefaultServiceAccount(t *testing.T) {
	tests := []struct {
		name, podSpec string
		want          []string
		evidence      string
	}{
		{"unset", "", []string{"spec.template.spec.serviceAccountName"}, ""},
		{"explicit default", "      serviceAccountName: default\n", []string{"spec.template.spec.serviceAccountName"}, "default"},
		{"deprecated field default", "      serviceAccount: default\n", []string{"spec.template.spec.serviceAccount"}, "default"},
		{"dedicated", "      serviceAccountName: api\n", []string{}, ""},
		{"dedicated through deprecated field", "      serviceAccount: api\n", []string{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := checktest.Run(t, "K8S-061", saDeployment(tt.podSpec, ""), nil)
			if got := checktest.Fields(fs); !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			if len(fs) > 0 && fs[0].Evidence != tt.evidence {
				t.Errorf("evidence = %q, want %q", fs[0].Evidence, tt.evidence)
			}
		})
	}
}

func TestDefaultServiceAccountLocation(t *testing.T) {
	fs := checktest.Run(t, "K8S-061", saDeployment("      serviceAccountName: default\n", ""), nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	if got := fs[0].Location.String(); got != "test.yaml:8:7" {
		t.Errorf("location = %s, want test.yaml:8:7", got)
	}
}
