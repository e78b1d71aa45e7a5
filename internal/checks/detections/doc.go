// Package detections declares the threat detections (DET-…): rules over
// the API server's audit events, one per file, in the same catalog as the
// checks. A detection sees one event and what the DetectContext offers
// (the object checks, the declared and learned Secret readers, the AKS
// authorized IP ranges); it fires on the final stage of a request only
// (ResponseComplete or Panic), so a request logged at several stages
// alerts once.
package detections
