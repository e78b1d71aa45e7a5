// Package pss turns each of the upstream Pod Security Standards checks
// (k8s.io/pod-security-admission/policy) into a Bulwark check with its own
// id, so that a finding names the exact PSS check it failed and can be
// excepted, graced and baselined like any other.
//
// Evaluation is the upstream code, selected for the run's level and version
// with the same rules as the upstream evaluator (highest MinimumVersion not
// newer than the target version; restricted checks replace the baseline
// checks they override). Bulwark only adds where the problem is.
package pss
