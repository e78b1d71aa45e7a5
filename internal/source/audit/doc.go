// Package audit reads Kubernetes API server audit events (audit.k8s.io/v1
// Event and EventList) as the log and webhook backends write them, and as
// AKS diagnostic settings export the kube-audit and kube-audit-admin
// categories: records in a storage account (one JSON record per line) and
// Event Hub bodies ({"records": [...]}), where the event is a JSON string
// in properties.log.
//
// Input is untrusted and may be endless (a pipe from a log shipper): it is
// read as JSON lines, one line at a time, and a line longer than
// Limits.MaxLine is an error that skips the line, never a buffer that
// grows with the input. The types hold only what detections read; fields
// the API server adds later are ignored.
package audit
