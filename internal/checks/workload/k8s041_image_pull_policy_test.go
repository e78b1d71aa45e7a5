package workload

import (
	"slices"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestImagePullPolicy(t *testing.T) {
	tests := []struct {
		name, image, policy string
		want                bool
		evidence            string
	}{
		{"tag, unset defaults to IfNotPresent", "nginx:1.27", "", true, "IfNotPresent"},
		{"tag, IfNotPresent", "nginx:1.27", "IfNotPresent", true, "IfNotPresent"},
		{"latest, Never", "nginx:latest", "Never", true, "Never"},
		{"tag, Always", "nginx:1.27", "Always", false, ""},
		{"no tag, unset defaults to Always", "nginx", "", false, ""},
		{"latest, unset defaults to Always", "nginx:latest", "", false, ""},
		{"registry port, no tag", "localhost:5000/app", "", false, ""},
		{"digest, IfNotPresent", "myacr.azurecr.io/app@" + testDigest, "IfNotPresent", false, ""},
		{"tag and digest, unset", "myacr.azurecr.io/app:1.0@" + testDigest, "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := checktest.Run(t, "K8S-041", imageDeployment(tt.image, tt.policy), nil)
			want := []string{}
			if tt.want {
				want = []string{"spec.template.spec.containers[0].imagePullPolicy"}
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

func TestImagePullPolicyLocation(t *testing.T) {
	fs := checktest.Run(t, "K8S-041", imageDeployment("nginx:1.27", "IfNotPresent"), nil)
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	if got := fs[0].Location.String(); got != "test.yaml:10:9" {
		t.Errorf("location = %s, want test.yaml:10:9", got)
	}
}
