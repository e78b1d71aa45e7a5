// Package manifest reads Kubernetes manifests (YAML or JSON, one or many
// documents per file, kind: List) from files, directories and standard
// input into an inventory. Every object keeps its file, line and column.
//
// Input is untrusted: file size, document density, nesting depth and
// alias expansion (in bytes, per run) are bounded so that a YAML bomb or a huge file yields an
// error, not an OOM; only regular files are read, so a FIFO or a device
// cannot block a run.
package manifest
