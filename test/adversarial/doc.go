// Package adversarial runs the bulwark binary on hostile inputs generated
// in the tests (nothing large is committed) under a CPU-time and address-
// space limit, and asserts that each ends with a clear error and exit 2
// within its time and memory bound: never a hang, an OOM or a panic.
//
// Each class of hostile input has its own file; harness_test.go builds the
// binary once and measures every run (wall time, peak RSS).
package adversarial
