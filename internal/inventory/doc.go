// Package inventory holds what sources found: Kubernetes objects decoded into
// their API types, each remembering where it came from so that a finding can
// point at the exact field.
package inventory
