package workload

import (
	"regexp"
	"strings"
)

// Image reference parsing and registry matching shared by the image checks
// (K8S-040 to K8S-044).

// imageRef is a container image reference split the way the container
// runtime reads it (github.com/distribution/reference): an optional
// registry host (with port), a repository path, an optional tag after the
// last slash and an optional @digest.
type imageRef struct {
	// Raw is the reference as written in the manifest.
	Raw string
	// Registry is the registry host, lower-cased, "docker.io" for Docker
	// Hub short names (nginx, bitnami/redis) and for index.docker.io.
	Registry string
	// Path is the repository inside the registry; Docker Hub official
	// images get the implicit "library/" prefix.
	Path string
	// Tag is the tag, "" when none is written.
	Tag string
	// Digest is what follows "@", "" when none is written.
	Digest string
}

// digestRE is a well-formed digest: algorithm, colon, encoded hash (for
// sha256 the 64 hex characters). A malformed digest cannot be pulled, so it
// pins nothing.
var digestRE = regexp.MustCompile(`^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$`)

// parseImageRef splits an image reference. It returns false for an empty
// reference, which the API server rejects anyway.
func parseImageRef(s string) (imageRef, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return imageRef{}, false
	}
	ref := imageRef{Raw: s}
	name := s
	if i := strings.IndexByte(name, '@'); i >= 0 {
		ref.Digest = name[i+1:]
		name = name[:i]
	}
	// The tag is after a colon in the last path component only: the colon
	// in localhost:5000/app is a port.
	last := strings.LastIndexByte(name, '/') + 1
	if j := strings.LastIndexByte(name[last:], ':'); j >= 0 {
		ref.Tag = name[last+j+1:]
		name = name[:last+j]
	}
	// The first component is a registry host when it looks like one: it
	// has a dot or a port, is localhost, or has upper-case letters (which
	// repository paths may not).
	if i := strings.IndexByte(name, '/'); i >= 0 && isRegistryHost(name[:i]) {
		ref.Registry = normalizeRegistryHost(name[:i])
		ref.Path = name[i+1:]
	} else {
		ref.Registry = "docker.io"
		ref.Path = name
	}
	if ref.Registry == "docker.io" && !strings.Contains(ref.Path, "/") {
		ref.Path = "library/" + ref.Path
	}
	return ref, true
}

func isRegistryHost(c string) bool {
	return strings.ContainsAny(c, ".:") || c == "localhost" || strings.ToLower(c) != c
}

// normalizeRegistryHost lower-cases a host and folds Docker Hub's aliases.
func normalizeRegistryHost(h string) string {
	h = strings.ToLower(h)
	switch h {
	case "index.docker.io", "registry-1.docker.io":
		return "docker.io"
	}
	return h
}

// Pinned reports whether the image is pulled by a well-formed digest: the
// runtime then ignores the tag, and the content cannot change under it.
func (r imageRef) Pinned() bool { return digestRE.MatchString(r.Digest) }

// Repository is registry/path, the full name the runtime pulls.
func (r imageRef) Repository() string { return r.Registry + "/" + r.Path }

// registryEntry is one entry of Settings.AllowedRegistries: a registry host
// with an optional path prefix. The first segment is always the host (the
// policy file validates that), so Docker Hub is written docker.io, e.g.
// docker.io/library for the official images or docker.io/bitnami.
type registryEntry struct {
	Host, Path string
}

func parseRegistryEntry(e string) registryEntry {
	e = strings.TrimSpace(e)
	e = strings.TrimPrefix(strings.TrimPrefix(e, "https://"), "http://")
	e = strings.Trim(e, "/")
	host, path, _ := strings.Cut(e, "/")
	return registryEntry{Host: normalizeRegistryHost(host), Path: path}
}

// Allows reports whether the image comes from the entry's registry and,
// when the entry has a path, from a repository at or below that path. The
// path matches at a "/" boundary: mcr.microsoft.com/oss allows
// mcr.microsoft.com/oss/nginx but not mcr.microsoft.com/ossfake.
func (e registryEntry) Allows(r imageRef) bool {
	if e.Host == "" || r.Registry != e.Host {
		return false
	}
	return e.Path == "" || r.Path == e.Path || strings.HasPrefix(r.Path, e.Path+"/")
}
