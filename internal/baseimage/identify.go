package baseimage

import (
	"errors"
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// OCI image-spec v1.1 pre-defined annotation keys for the base image.
const (
	AnnotationBaseName   = "org.opencontainers.image.base.name"
	AnnotationBaseDigest = "org.opencontainers.image.base.digest"
)

// Source tells where a Base came from.
type Source string

// Base sources.
const (
	SourceAnnotation Source = "annotation"
	SourceLabel      Source = "label"
	SourceDockerfile Source = "dockerfile"
)

// Base is the image an image was built FROM.
type Base struct {
	// Name is a reference such as docker.io/library/alpine:3.20; it may carry
	// a pinned digest (alpine:3.20@sha256:...).
	Name string
	// Digest is the base manifest (or index) digest used for the build, empty
	// when not recorded.
	Digest string
	Source Source
}

// ErrNoBase means the image carries no base-image information.
var ErrNoBase = errors.New("no base image recorded (no org.opencontainers.image.base.name annotation or label)")

// Identify reads the base image from the OCI base annotations:
// manifestAnnotations first (callers pass the index's or manifest's as they
// saw them), then the image manifest's own, then config labels, where CI
// templates usually put them. Name and digest are taken from the same place
// so that a stale label never pairs with a fresh annotation.
func Identify(img v1.Image, manifestAnnotations map[string]string) (*Base, error) {
	if b, err := fromMap(manifestAnnotations, SourceAnnotation); b != nil || err != nil {
		return b, err
	}
	if img == nil {
		return nil, ErrNoBase
	}
	m, err := img.Manifest()
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	if b, err := fromMap(m.Annotations, SourceAnnotation); b != nil || err != nil {
		return b, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	if b, err := fromMap(cf.Config.Labels, SourceLabel); b != nil || err != nil {
		return b, err
	}
	return nil, ErrNoBase
}

func fromMap(m map[string]string, src Source) (*Base, error) {
	n := strings.TrimSpace(m[AnnotationBaseName])
	if n == "" {
		return nil, nil
	}
	d := strings.TrimSpace(m[AnnotationBaseDigest])
	if d != "" {
		if _, err := v1.NewHash(d); err != nil {
			return nil, fmt.Errorf("%s %s=%q is not a digest: %w", src, AnnotationBaseDigest, d, err)
		}
	}
	return &Base{Name: n, Digest: d, Source: src}, nil
}

// FromDockerfile is FinalFrom packaged as a Base. A digest pinned in the
// FROM line is what the build used, so it becomes the recorded Digest.
func FromDockerfile(dockerfile []byte, buildArgs map[string]string) (*Base, error) {
	ref, err := FinalFrom(dockerfile, buildArgs)
	if err != nil {
		return nil, err
	}
	b := &Base{Name: ref, Source: SourceDockerfile}
	if n, d, ok := strings.Cut(ref, "@"); ok && strings.Contains(lastPathElem(n), ":") {
		b.Name, b.Digest = n, d
	}
	return b, nil
}

func lastPathElem(s string) string {
	return s[strings.LastIndex(s, "/")+1:]
}
