// Package decide applies the user's policy to what the checks found: which
// findings block the run and therefore the exit code. The same step serves
// the CLI gate and, later, admission and the in-cluster operator.
package decide

import (
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// Gate is the policy this package applies.
type Gate struct {
	// FailOn is the lowest severity that fails the run.
	FailOn finding.Severity
	// Never, when set, makes no finding block (--fail-on none).
	Never bool
}

// Decided is a finding with the policy's verdict on it.
type Decided struct {
	finding.Finding
	// Blocking is true when this finding alone fails the run.
	Blocking bool `json:"blocking"`
}

// Apply decides every finding. The input order is kept.
func Apply(fs []finding.Finding, g Gate) []Decided {
	out := make([]Decided, len(fs))
	for i, f := range fs {
		out[i] = Decided{Finding: f, Blocking: !g.Never && f.Severity >= g.FailOn}
	}
	return out
}

// ParseFailOn reads a --fail-on value: a severity or "none".
func ParseFailOn(s string) (Gate, error) {
	if s == "none" {
		return Gate{Never: true}, nil
	}
	sev, err := finding.ParseSeverity(s)
	if err != nil {
		return Gate{}, err
	}
	return Gate{FailOn: sev}, nil
}

func (g Gate) String() string {
	if g.Never {
		return "none"
	}
	return g.FailOn.String()
}
