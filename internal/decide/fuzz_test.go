package decide

import "testing"

// FuzzParseAnnotation: an annotation value from any manifest must parse or
// be rejected, never panic; an accepted one has a date and a reason.
func FuzzParseAnnotation(f *testing.F) {
	f.Add("K8S-001,K8S-029 until=2027-01-31 owner=team reason=legacy image")
	f.Add("K8S-001 reason=")
	f.Add("=")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAnnotation(s)
		if err == nil && (a.Until.IsZero() || a.Reason == "" || len(a.Checks) == 0) {
			t.Fatalf("accepted %q as %+v", s, a)
		}
	})
}
