package scan

import (
	"errors"
	"fmt"

	"github.com/bulwark-sec/bulwark/internal/policy"
)

// PolicyStarter is the commented starter policy `bulwark policy init`
// writes.
const PolicyStarter = policy.Starter

// PolicyStatus is what validating a policy file found.
type PolicyStatus struct {
	File              string
	Warnings          []string
	SeverityOverrides int
	Exceptions        int
}

// PolicyErrors are the problems of an invalid policy file, one
// file:line: what each.
type PolicyErrors struct{ Problems []string }

func (e *PolicyErrors) Error() string {
	return fmt.Sprintf("%d problems in the policy file", len(e.Problems))
}

// FindPolicyFile is the policy file a scan would use: bulwark.yaml in the
// working directory or a parent, up to the repository root; "" if none.
func FindPolicyFile() string { return policy.Find(".") }

// CheckPolicy validates the policy file name strictly: the file
// itself (PolicyErrors when it is invalid, a UsageError when it cannot be
// read or found), then its trust policy, which notation-go must accept
// with its stores present. When only the trust policy fails, the status
// is returned with the error, so that the file's warnings are still said.
func CheckPolicy(name string) (*PolicyStatus, error) {
	p, err := policy.Load(name)
	if err != nil {
		var errs policy.Errors
		if errors.As(err, &errs) {
			pe := &PolicyErrors{}
			for _, e := range errs {
				pe.Problems = append(pe.Problems, fmt.Sprint(e))
			}
			return nil, pe
		}
		return nil, &UsageError{Err: err}
	}
	st := &PolicyStatus{File: name, Warnings: p.Warnings, SeverityOverrides: len(p.SeverityOverrides), Exceptions: len(p.Exceptions)}
	// The trust policy is only worth something if notation-go accepts it
	// and its stores exist: check that now, not at the first image scan.
	if _, err := LoadTrust("", p); err != nil {
		return st, &UsageError{Err: err}
	}
	return st, nil
}
