// Package detect is the service behind bulwark detect and detect serve:
// it runs the catalog's detections (DET-…) over audit events read from
// files, standard input or the API server's audit webhook, and turns what
// they report into alerts: deduplicated within a window, rate-limited
// per detection and actor, waived by the policy file's exceptions. Every
// alert that is not emitted is counted under the reason it was not, and
// the counts are reported: nothing is dropped silently.
package detect
