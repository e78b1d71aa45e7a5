package baseimage

import (
	"errors"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

const (
	dA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	dB = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

func withLabels(t *testing.T, img v1.Image, labels map[string]string) v1.Image {
	t.Helper()
	return withConfig(t, img, func(cf *v1.ConfigFile) { cf.Config.Labels = labels })
}

func TestIdentify(t *testing.T) {
	plain := baseImage(t, amd64, t0)
	labelled := withLabels(t, plain, map[string]string{AnnotationBaseName: "docker.io/library/alpine:3.20", AnnotationBaseDigest: dB})
	annotated := mutate.Annotations(labelled, map[string]string{AnnotationBaseName: "docker.io/library/alpine:3.21", AnnotationBaseDigest: dA}).(v1.Image)

	tests := []struct {
		name string
		img  v1.Image
		anns map[string]string
		want Base
	}{
		{"label", labelled, nil, Base{"docker.io/library/alpine:3.20", dB, SourceLabel}},
		{"manifest annotation beats label", annotated, nil, Base{"docker.io/library/alpine:3.21", dA, SourceAnnotation}},
		{"caller's annotations first", annotated, map[string]string{AnnotationBaseName: "mcr.microsoft.com/azurelinux/base/core:3.0"},
			Base{"mcr.microsoft.com/azurelinux/base/core:3.0", "", SourceAnnotation}},
		{"name without digest", withLabels(t, plain, map[string]string{AnnotationBaseName: " alpine:3 "}), nil, Base{"alpine:3", "", SourceLabel}},
		{"digest without name is skipped", withLabels(t, labelled, map[string]string{AnnotationBaseName: "alpine:3"}),
			map[string]string{AnnotationBaseDigest: dA}, Base{"alpine:3", "", SourceLabel}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Identify(tc.img, tc.anns)
			if err != nil {
				t.Fatal(err)
			}
			if *got != tc.want {
				t.Fatalf("got %+v, want %+v", *got, tc.want)
			}
		})
	}

	if _, err := Identify(plain, nil); !errors.Is(err, ErrNoBase) {
		t.Fatalf("plain image: %v", err)
	}
	if _, err := Identify(nil, nil); !errors.Is(err, ErrNoBase) {
		t.Fatalf("nil image: %v", err)
	}
	bad := withLabels(t, plain, map[string]string{AnnotationBaseName: "alpine", AnnotationBaseDigest: "latest"})
	if _, err := Identify(bad, nil); err == nil || !strings.Contains(err.Error(), "label org.opencontainers.image.base.digest=\"latest\" is not a digest") {
		t.Fatalf("bad digest: %v", err)
	}
}
