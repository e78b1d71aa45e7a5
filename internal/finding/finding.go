// Package finding defines what a check reports: a located, fingerprinted
// statement that one subject violates one check.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Severity orders findings for the gate. The zero value is SeverityInfo so
// that an unset severity never fails a pipeline by accident.
type Severity int

const (
	SeverityInfo Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity accepts the lower-case names printed by String.
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", s, strings.Join(severityNames[:], ", "))
}

// SeverityNames lists the severities from lowest to highest.
func SeverityNames() []string { return append([]string(nil), severityNames[:]...) }

func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Location points at the place a finding is about. For files it is 1-based
// line and column; Line 0 means the position is unknown.
type Location struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// Resource names objects that did not come from a file: the API path
	// of a live Kubernetes object (/api/v1/namespaces/shop/pods/web) or an
	// Azure resource id.
	Resource string `json:"resource,omitempty"`
}

func (l Location) String() string {
	switch {
	case l.File == "" && l.Resource != "":
		return l.Resource
	case l.File == "":
		return ""
	case l.Line == 0:
		return l.File
	case l.Column == 0:
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	}
	return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
}

// Subject names the object a finding is about.
type Subject struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
}

// Key is the identity of a subject inside a fingerprint: kind/namespace/name.
// The apiVersion is left out on purpose so that moving a Deployment from
// apps/v1beta2 to apps/v1 does not reset its findings' history.
func (s Subject) Key() string {
	return s.Kind + "/" + s.Namespace + "/" + s.Name
}

func (s Subject) String() string {
	if s.Namespace == "" {
		return s.Kind + "/" + s.Name
	}
	return s.Kind + "/" + s.Namespace + "/" + s.Name
}

// Finding is one violation of one check by one subject.
type Finding struct {
	CheckID  string   `json:"checkID"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	Subject  Subject  `json:"subject"`
	Location Location `json:"location"`
	// Field is the path of the offending field, e.g.
	// spec.template.spec.containers[0].securityContext.privileged.
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	// Evidence is the offending value as it may be shown; secret values are
	// masked before they get here.
	Evidence    string `json:"evidence,omitempty"`
	Fingerprint string `json:"fingerprint"`
	// Advisories are the vulnerability ids a finding is about (the OSV id
	// and its CVE/GHSA aliases), for vulnerability checks only: policy
	// exceptions select findings by them.
	Advisories []string `json:"advisories,omitempty"`
}

// Fingerprint is a stable hash of what a finding is about. It leaves out
// lines and files so that unrelated edits, reformatting or moving an object
// to another file keep the finding's history (baseline, grace, exceptions).
func Fingerprint(checkID string, subject Subject, field string) string {
	h := sha256.New()
	h.Write([]byte(checkID))
	h.Write([]byte{0})
	h.Write([]byte(subject.Key()))
	h.Write([]byte{0})
	h.Write([]byte(field))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Mask hides a secret value. Nothing of the value is kept, not even a
// prefix: findings end up in CI logs and SARIF uploads, and a few
// characters of a short password are a real leak. The length helps a
// reviewer tell two values apart.
func Mask(v string) string {
	if v == "" {
		return ""
	}
	return fmt.Sprintf("<redacted, %d chars>", utf8.RuneCountInString(v))
}
