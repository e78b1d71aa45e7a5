// Package deploy tests what Bulwark ships to run in a cluster: its
// container image (built here as the Dockerfile builds it, as an OCI layout
// with go-containerregistry, and scanned by Bulwark itself) and its Helm
// chart (linted, rendered and scanned).
package deploy
