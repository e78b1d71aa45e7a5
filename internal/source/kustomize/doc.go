// Package kustomize builds a Kustomize directory (one holding
// kustomization.yaml) with Kustomize's own library, as `kustomize build`
// does, so that its objects can be scanned and each finding named by the
// base or overlay file the object came from.
//
// The build reads the local file system only: a remote base or resource
// (a git repository, an http URL) is an error that says so, never a
// fetch.
package kustomize
