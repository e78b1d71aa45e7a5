package policy

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// The field types below remember their line so that validation, which
// needs the check catalog, can still point at the offending line.

// Severity is a severity name (or "none" where a gate is meant).
type Severity struct {
	Value string
	Line  int
}

func (s *Severity) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a severity", n.Line)
	}
	s.Value, s.Line = n.Value, n.Line
	return nil
}

// CheckRef is a check id.
type CheckRef struct {
	ID   string
	Line int
}

func (c *CheckRef) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a check id", n.Line)
	}
	c.ID, c.Line = n.Value, n.Line
	return nil
}

// CheckOrArea is a check id or an area name.
type CheckOrArea = CheckRef

// Override sets one check's severity.
type Override struct {
	Check    CheckRef
	Severity Severity
}

// Overrides keep the order written, for stable messages.
type Overrides []Override

func (o *Overrides) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: severityOverrides maps check ids to severities", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("line %d: want a severity for %s", v.Line, k.Value)
		}
		*o = append(*o, Override{Check: CheckRef{k.Value, k.Line}, Severity: Severity{v.Value, v.Line}})
	}
	return nil
}

// Duration is a number of days: "14d", "2w" or "0d".
type Duration struct {
	Days int
	Line int
}

var durationRE = regexp.MustCompile(`^([0-9]{1,4})([dw])$`)

func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	m := durationRE.FindStringSubmatch(n.Value)
	if n.Kind != yaml.ScalarNode || m == nil {
		return fmt.Errorf("line %d: %q is not a duration: write days or weeks, e.g. 14d or 2w", n.Line, n.Value)
	}
	v, _ := strconv.Atoi(m[1])
	if m[2] == "w" {
		v *= 7
	}
	d.Days, d.Line = v, n.Line
	return nil
}

func (d Duration) String() string { return strconv.Itoa(d.Days) + "d" }

// Date is a calendar day, YYYY-MM-DD, in UTC.
type Date struct {
	time.Time
	Line int
}

// DateLayout is how dates are written everywhere in Bulwark.
const DateLayout = "2006-01-02"

func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a date, YYYY-MM-DD", n.Line)
	}
	t, err := ParseDate(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	d.Time, d.Line = t, n.Line
	return nil
}

// The years a date of Bulwark's may fall in. Anything else is a typo or a
// forgery — a waiver until 2207, a finding first seen in year 1 or "due"
// in 10026 — that would otherwise silently waive or never fail.
const (
	MinYear = 2000
	MaxYear = 2099
)

// ParseDate reads a YYYY-MM-DD date between MinYear and MaxYear.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date: write YYYY-MM-DD", s)
	}
	if y := t.Year(); y < MinYear || y > MaxYear {
		return time.Time{}, fmt.Errorf("%q is out of range: dates fall between %d-01-01 and %d-12-31", s, MinYear, MaxYear)
	}
	return t, nil
}

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Format(DateLayout)
}
