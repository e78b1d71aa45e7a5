package workload

import (
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

const testDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// imageDeployment is a Deployment whose only container runs image, with
// imagePullPolicy when policy is not empty.
func imageDeployment(image, policy string) string {
	doc := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: app
        image: "` + image + `"
`
	if policy != "" {
		doc += "        imagePullPolicy: " + policy + "\n"
	}
	return doc
}

func TestParseImageRef(t *testing.T) {
	tests := []struct {
		in                         string
		registry, path, tag, digst string
		pinned                     bool
	}{
		{"nginx", "docker.io", "library/nginx", "", "", false},
		{"nginx:1.27", "docker.io", "library/nginx", "1.27", "", false},
		{"bitnami/redis:7", "docker.io", "bitnami/redis", "7", "", false},
		{"index.docker.io/library/nginx", "docker.io", "library/nginx", "", "", false},
		{"localhost:5000/app", "localhost:5000", "app", "", "", false},
		{"localhost:5000/team/app:1.0", "localhost:5000", "team/app", "1.0", "", false},
		{"localhost/app:2", "localhost", "app", "2", "", false},
		{"MyACR.azurecr.io/App/x:v1", "myacr.azurecr.io", "App/x", "v1", "", false},
		{"myacr.azurecr.io/app@" + testDigest, "myacr.azurecr.io", "app", "", testDigest, true},
		{"myacr.azurecr.io/app:1.0@" + testDigest, "myacr.azurecr.io", "app", "1.0", testDigest, true},
		{"app@sha256:abc", "docker.io", "library/app", "", "sha256:abc", false},
		{" mcr.microsoft.com/oss/nginx/nginx:1.27 ", "mcr.microsoft.com", "oss/nginx/nginx", "1.27", "", false},
	}
	for _, tt := range tests {
		got, ok := parseImageRef(tt.in)
		if !ok {
			t.Errorf("%q: not parsed", tt.in)
			continue
		}
		if got.Registry != tt.registry || got.Path != tt.path || got.Tag != tt.tag || got.Digest != tt.digst || got.Pinned() != tt.pinned {
			t.Errorf("%q: got %+v pinned=%v, want registry=%s path=%s tag=%s digest=%s pinned=%v",
				tt.in, got, got.Pinned(), tt.registry, tt.path, tt.tag, tt.digst, tt.pinned)
		}
	}
	if _, ok := parseImageRef("  "); ok {
		t.Error("empty image parsed")
	}
}

func TestImageTagLatest(t *testing.T) {
	tests := []struct {
		image string
		want  bool
	}{
		{"nginx", true},
		{"nginx:latest", true},
		{"localhost:5000/app", true},
		{"registry.example.com:5000/ns/app:latest", true},
		{"nginx:1.27", false},
		{"localhost:5000/app:1.0", false},
		{"myacr.azurecr.io/app@" + testDigest, false},
		{"myacr.azurecr.io/app:latest@" + testDigest, false},
		{"app:latest-alpine", false},
	}
	for _, tt := range tests {
		t.Run(tt.image, func(t *testing.T) {
			fs := checktest.Run(t, "K8S-040", imageDeployment(tt.image, ""), nil)
			want := []string{}
			if tt.want {
				want = []string{"spec.template.spec.containers[0].image"}
			}
			if got := checktest.Fields(fs); !slices.Equal(got, want) {
				t.Fatalf("image %q: got %v, want %v", tt.image, got, want)
			}
			if tt.want && fs[0].Evidence != tt.image {
				t.Errorf("evidence = %q, want %q", fs[0].Evidence, tt.image)
			}
		})
	}
}

func TestImageTagLatestAllContainers(t *testing.T) {
	doc := `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - {name: setup, image: "busybox:1.36"}
  containers:
  - name: app
    image: nginx
  ephemeralContainers:
  - {name: debug, image: "busybox:latest"}
`
	fs := checktest.Run(t, "K8S-040", doc, nil)
	got := checktest.Fields(fs)
	want := []string{"spec.containers[0].image", "spec.ephemeralContainers[0].image"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if loc := fs[0].Location.String(); loc != "test.yaml:9:5" {
		t.Errorf("location = %s, want test.yaml:9:5", loc)
	}
	if !strings.Contains(fs[0].Message, `container "app"`) || !strings.Contains(fs[1].Message, `ephemeral container "debug"`) {
		t.Errorf("messages do not name the containers: %q / %q", fs[0].Message, fs[1].Message)
	}
}
