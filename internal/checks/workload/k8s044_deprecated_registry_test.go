package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestDeprecatedRegistry(t *testing.T) {
	tests := []struct {
		image string
		want  bool
	}{
		{"k8s.gcr.io/pause:3.9", true},
		{"K8S.GCR.IO/pause:3.9", true},
		{"eu.k8s.gcr.io/ingress-nginx/controller:v1.2.0", true},
		{"gcr.io/google-containers/pause:3.2", true},
		{"gcr.io/google_containers/pause:3.2", true},
		{"registry.k8s.io/pause:3.9", false},
		{"gcr.io/my-project/app:1", false},
		{"myacr.azurecr.io/k8s.gcr.io/pause:3.9", false},
	}
	for _, tt := range tests {
		t.Run(tt.image, func(t *testing.T) {
			fs := checktest.Run(t, "K8S-044", imageDeployment(tt.image, ""), nil)
			want := []string{}
			if tt.want {
				want = []string{"spec.template.spec.containers[0].image"}
			}
			if got := checktest.Fields(fs); !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			if tt.want {
				if fs[0].Evidence != tt.image {
					t.Errorf("evidence = %q", fs[0].Evidence)
				}
				if fs[0].Location.Line != 9 {
					t.Errorf("location = %s, want line 9", fs[0].Location)
				}
			}
		})
	}
}
