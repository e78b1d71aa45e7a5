package workload

import (
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func TestImageNotPinned(t *testing.T) {
	tests := []struct {
		image string
		want  bool
	}{
		{"nginx:1.27", true},
		{"nginx", true},
		{"myacr.azurecr.io/app:1.0@sha256:abc", true},
		{"myacr.azurecr.io/app@" + testDigest, false},
		{"myacr.azurecr.io/app:1.0@" + testDigest, false},
	}
	for _, tt := range tests {
		t.Run(tt.image, func(t *testing.T) {
			fs := checktest.Run(t, "K8S-042", imageDeployment(tt.image, ""), nil)
			want := []string{}
			if tt.want {
				want = []string{"spec.template.spec.containers[0].image"}
			}
			if got := checktest.Fields(fs); !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			if tt.want && fs[0].Evidence != tt.image {
				t.Errorf("evidence = %q", fs[0].Evidence)
			}
		})
	}
}

func TestImageNotPinnedInitContainer(t *testing.T) {
	doc := `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 1 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
          - {name: migrate, image: "myacr.azurecr.io/migrate:2"}
          containers:
          - {name: job, image: "myacr.azurecr.io/job@` + testDigest + `"}
`
	fs := checktest.Run(t, "K8S-042", doc, nil)
	want := []string{"spec.jobTemplate.spec.template.spec.initContainers[0].image"}
	if got := checktest.Fields(fs); !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got := fs[0].Location.String(); got != "test.yaml:11:29" {
		t.Errorf("location = %s, want test.yaml:11:29", got)
	}
	if !strings.Contains(fs[0].Message, `init container "migrate"`) {
		t.Errorf("message = %q", fs[0].Message)
	}
}
