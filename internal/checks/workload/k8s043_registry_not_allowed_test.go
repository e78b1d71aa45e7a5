package workload

import (
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/checks/checktest"
)

func registrySettings(allowed ...string) *check.Settings {
	s := checktest.DefaultSettings()
	s.AllowedRegistries = allowed
	return s
}

func TestRegistryNotAllowed(t *testing.T) {
	acr := []string{"myacr.azurecr.io", "mcr.microsoft.com/oss", "localhost:5000"}
	tests := []struct {
		name    string
		allowed []string
		image   string
		want    bool
	}{
		{"acr", acr, "myacr.azurecr.io/app:1.0", false},
		{"acr host case-insensitive", acr, "MyACR.AzureCR.io/app:1.0", false},
		{"acr nested path", acr, "myacr.azurecr.io/team/app@" + testDigest, false},
		{"look-alike host", acr, "myacr.azurecr.io.evil.example/app:1.0", true},
		{"other acr", acr, "otheracr.azurecr.io/app:1.0", true},
		{"mcr path prefix", acr, "mcr.microsoft.com/oss/nginx/nginx:1.27", false},
		{"mcr path exact", acr, "mcr.microsoft.com/oss:1", false},
		{"mcr path not at boundary", acr, "mcr.microsoft.com/ossfake/app:1", true},
		{"mcr outside path", acr, "mcr.microsoft.com/dotnet/aspnet:8.0", true},
		{"docker hub short name", acr, "nginx:1.27", true},
		{"registry with port", acr, "localhost:5000/app:1", false},
		{"same host other port", acr, "localhost:5001/app:1", true},
		{"localhost without port", acr, "localhost/app:1", true},
		{"hub official allowed", []string{"docker.io/library"}, "nginx:1.27", false},
		{"hub alias host", []string{"docker.io/library"}, "index.docker.io/library/nginx:1.27", false},
		{"hub org not allowed", []string{"docker.io/library"}, "bitnami/redis:7", true},
		{"hub org allowed", []string{"docker.io/bitnami"}, "bitnami/redis:7", false},
		{"entry with trailing slash", []string{"myacr.azurecr.io/"}, "myacr.azurecr.io/app:1", false},
		{"empty list enforces nothing", nil, "nginx", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := checktest.Run(t, "K8S-043", imageDeployment(tt.image, ""), registrySettings(tt.allowed...))
			want := []string{}
			if tt.want {
				want = []string{"spec.template.spec.containers[0].image"}
			}
			if got := checktest.Fields(fs); !slices.Equal(got, want) {
				t.Fatalf("image %q with %v: got %v, want %v", tt.image, tt.allowed, got, want)
			}
			if tt.want && fs[0].Evidence != tt.image {
				t.Errorf("evidence = %q", fs[0].Evidence)
			}
		})
	}
}

func TestRegistryNotAllowedMessage(t *testing.T) {
	fs := checktest.Run(t, "K8S-043", imageDeployment("nginx:1.27", ""), registrySettings("myacr.azurecr.io"))
	if len(fs) != 1 {
		t.Fatalf("want 1 finding, got %v", fs)
	}
	if !strings.Contains(fs[0].Message, "docker.io/library/nginx") || !strings.Contains(fs[0].Message, "myacr.azurecr.io") {
		t.Errorf("message = %q", fs[0].Message)
	}
	if got := fs[0].Location.String(); got != "test.yaml:9:9" {
		t.Errorf("location = %s, want test.yaml:9:9", got)
	}
}
