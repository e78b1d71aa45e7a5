package decide

import (
	"fmt"
	"strings"
	"time"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/policy"
)

// AnnotationKey is the per-object exception annotation. Its value holds one
// exception per line:
//
//	K8S-001,K8S-029 until=2027-01-31 reason=the log agent reads host logs
//
// until and reason are required; owner=NAME may come before reason; reason
// takes the rest of the line. Annotations are honoured only when the policy
// sets annotationExceptions: true.
const AnnotationKey = "bulwark.dev/except"

// annotation returns the waiver an annotation grants f, or a warning why it
// grants nothing.
func (d *Decider) annotation(f finding.Finding, value string, today time.Time) (*Waiver, string) {
	if d.Policy == nil || !d.Policy.AnnotationExceptions {
		return nil, "annotation " + AnnotationKey + " ignored: the policy does not allow annotation exceptions (annotationExceptions: true)"
	}
	for _, line := range strings.Split(value, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		a, err := ParseAnnotation(line)
		if err != nil {
			return nil, fmt.Sprintf("annotation %s ignored: %v", AnnotationKey, err)
		}
		covers := false
		for _, id := range a.Checks {
			if strings.EqualFold(id, f.CheckID) {
				covers = true
			}
		}
		if !covers {
			continue
		}
		w := &Waiver{Source: "annotation " + AnnotationKey + " on " + f.Subject.String(), Reason: a.Reason, Owner: a.Owner,
			Expires: a.Until.Format(policy.DateLayout), InSource: true}
		if today.After(a.Until) {
			w.Expired = true
			return nil, fmt.Sprintf("annotation %s for %s expired on %s; the finding counts again", AnnotationKey, f.CheckID, w.Expires)
		}
		return w, ""
	}
	return nil, ""
}

// Annotation is one parsed line of a bulwark.dev/except annotation.
type Annotation struct {
	Checks []string
	Until  time.Time
	Owner  string
	Reason string
}

// ParseAnnotation reads "IDS until=YYYY-MM-DD [owner=X] reason=TEXT".
func ParseAnnotation(s string) (Annotation, error) {
	var a Annotation
	ids, rest, _ := strings.Cut(strings.TrimSpace(s), " ")
	for _, id := range strings.Split(ids, ",") {
		if _, ok := check.Lookup(id); !ok {
			return a, fmt.Errorf("unknown check id %q", id)
		}
		a.Checks = append(a.Checks, strings.ToUpper(id))
	}
	for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimSpace(rest) {
		key, val, ok := strings.Cut(rest, "=")
		if !ok {
			return a, fmt.Errorf("want key=value, got %q", rest)
		}
		if key == "reason" {
			a.Reason = strings.TrimSpace(val)
			break
		}
		val, rest, _ = strings.Cut(val, " ")
		switch key {
		case "until":
			t, err := policy.ParseDate(val)
			if err != nil {
				return a, fmt.Errorf("until=: %v", err)
			}
			a.Until = t
		case "owner":
			a.Owner = val
		default:
			return a, fmt.Errorf("unknown key %q (want until, owner, reason)", key)
		}
	}
	if a.Until.IsZero() || a.Reason == "" {
		return a, fmt.Errorf("until=YYYY-MM-DD and reason=... are required")
	}
	return a, nil
}
