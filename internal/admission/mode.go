package admission

import (
	"fmt"
	"strings"
)

// Mode is what a blocking finding does to a request.
type Mode string

const (
	// Enforce denies a request with a blocking finding.
	Enforce Mode = "enforce"
	// Warn admits it with warnings.
	Warn Mode = "warn"
	// Audit admits it and records the verdict only.
	Audit Mode = "audit"
)

// ModeLabel on a Namespace sets the mode of requests in it.
const ModeLabel = "admission.bulwark.dev/mode"

// ParseMode reads a mode name.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case Enforce, Warn, Audit:
		return m, nil
	}
	return "", fmt.Errorf("mode %q: want enforce, warn or audit", s)
}

// Namespaces tells the labels of a namespace. ok is false for a namespace
// that is not known (yet): its requests get the default mode.
type Namespaces interface {
	Labels(name string) (labels map[string]string, ok bool)
}

// FailureMode is what a request that could not be judged gets (its object
// could not be decoded, the deadline passed): deny, or allow with a
// warning saying it was not assessed.
type FailureMode string

const (
	FailDeny  FailureMode = "deny"
	FailAllow FailureMode = "allow"
)

// ParseFailureMode reads a failure mode name.
func ParseFailureMode(s string) (FailureMode, error) {
	switch m := FailureMode(strings.ToLower(strings.TrimSpace(s))); m {
	case FailDeny, FailAllow:
		return m, nil
	}
	return "", fmt.Errorf("failure mode %q: want deny or allow", s)
}
