// Package admission is Bulwark's admission door: a validating webhook
// that judges each object of an AdmissionReview with the same catalog,
// policy, exceptions and grace periods a CI scan uses (through
// scan.Service), so that a developer never meets a rule at deploy time the
// pipeline did not show first.
//
// Per namespace, the label admission.bulwark.dev/mode chooses what a
// blocking finding does: enforce denies the request, warn admits it with
// warnings the client prints, audit admits it and records the verdict. A
// finding within its grace period is always a warning. Only checks that
// judge one object on their own run here (check.Admission); checks that
// need the rest of the cluster (RBAC paths, network reachability) are the
// scans' and the operator's.
package admission
