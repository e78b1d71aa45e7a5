package baseline

import (
	"bytes"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bulwark-sec/bulwark/internal/finding"
)

func f(id, name, field string) finding.Finding {
	s := finding.Subject{Kind: "Deployment", Namespace: "shop", Name: name}
	return finding.Finding{CheckID: id, Subject: s, Field: field, Fingerprint: finding.Fingerprint(id, s, field)}
}

func day(s string) time.Time {
	t, _ := time.Parse(DateLayout, s)
	return t.Add(13 * time.Hour)
}

func TestUpdateKeepsFirstSeenAndDropsFixed(t *testing.T) {
	a, b, c := f("K8S-001", "web", "x"), f("K8S-002", "api", "y"), f("K8S-003", "web", "z")
	b1 := Update(nil, []finding.Finding{a, b}, day("2026-11-01"))
	b2 := Update(b1, []finding.Finding{c, a, a}, day("2026-11-20")) // b fixed, c new, a twice

	if len(b2.Findings) != 2 {
		t.Fatalf("entries %+v", b2.Findings)
	}
	ea, _ := b2.Lookup(a.Fingerprint)
	ec, _ := b2.Lookup(c.Fingerprint)
	if ea.FirstSeen != "2026-11-01" || ea.LastSeen != "2026-11-20" || ec.FirstSeen != "2026-11-20" {
		t.Errorf("a %+v c %+v", ea, ec)
	}
	if _, ok := b2.Lookup(b.Fingerprint); ok {
		t.Error("a fixed finding stayed in the baseline")
	}
	// First seen never moves forward, even if the clock goes back.
	b3 := Update(b2, []finding.Finding{a}, day("2026-10-15"))
	if e, _ := b3.Lookup(a.Fingerprint); e.FirstSeen != "2026-10-15" {
		t.Errorf("an earlier run must move first seen back, got %s", e.FirstSeen)
	}
	b4 := Update(b3, []finding.Finding{a}, day("2026-12-01"))
	if e, _ := b4.Lookup(a.Fingerprint); e.FirstSeen != "2026-10-15" {
		t.Errorf("first seen moved forward to %s", e.FirstSeen)
	}
}

func TestEncodeIsDeterministicAndRoundTrips(t *testing.T) {
	fs := []finding.Finding{f("K8S-003", "web", "z"), f("K8S-001", "web", "x"), f("K8S-002", "api", "y")}
	var one, two bytes.Buffer
	if err := Update(nil, fs, day("2026-11-01")).Encode(&one); err != nil {
		t.Fatal(err)
	}
	rev := []finding.Finding{fs[2], fs[1], fs[0]}
	if err := Update(nil, rev, day("2026-11-01")).Encode(&two); err != nil {
		t.Fatal(err)
	}
	if one.String() != two.String() {
		t.Error("input order changed the file")
	}
	if i, j := strings.Index(one.String(), "Deployment/shop/api"), strings.Index(one.String(), "Deployment/shop/web"); i > j {
		t.Error("entries are not sorted by subject")
	}
	b, err := Parse("b.json", one.Bytes(), day("2026-11-01"))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := b.FirstSeen(fs[0].Fingerprint); !ok || got.Format(DateLayout) != "2026-11-01" {
		t.Errorf("round trip lost first seen: %v %v", got, ok)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ doc, want string }{
		{`{"apiVersion": "bulwark.dev/v1alpha1", "kind": "Baseline", "findings": [}`, "b.json:1:"},
		{`{"apiVersion": "v1", "kind": "ConfigMap"}`, "not a bulwark baseline"},
		{`{"apiVersion": "bulwark.dev/v1alpha1", "kind": "Baseline", "extra": 1}`, "unknown field"},
		{`{"apiVersion": "bulwark.dev/v1alpha1", "kind": "Baseline", "findings": [{"fingerprint": "a", "firstSeen": "yesterday"}]}`, "is not a date"},
		{`{"apiVersion": "bulwark.dev/v1alpha1", "kind": "Baseline", "findings": [{"fingerprint": "a", "firstSeen": "2026-01-01"}, {"fingerprint": "a", "firstSeen": "2026-01-01"}]}`, "listed twice"},
	} {
		if _, err := Parse("b.json", []byte(tt.doc), day("2026-11-01")); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%s) = %v, want %q", tt.doc, err, tt.want)
		}
	}
}

func TestFromConfigMap(t *testing.T) {
	var buf bytes.Buffer
	if err := Update(nil, []finding.Finding{f("K8S-001", "web", "x")}, day("2026-11-01")).Encode(&buf); err != nil {
		t.Fatal(err)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "bulwark-system", Name: "baseline"}, Data: map[string]string{ConfigMapKey: buf.String()}}
	b, err := FromConfigMap(cm, day("2026-11-01"))
	if err != nil || len(b.Findings) != 1 {
		t.Fatalf("%v %+v", err, b)
	}
	delete(cm.Data, ConfigMapKey)
	if _, err := FromConfigMap(cm, day("2026-11-01")); err == nil {
		t.Error("missing key accepted")
	}
}

// Dates a baseline cannot honestly hold: seen after the run's date (beyond
// a day of clock skew), before first seen, or years no real run has. A
// finding first seen in 9999 was "due" in 10026 and never failed.
func TestParseRejectsImpossibleDates(t *testing.T) {
	doc := func(first, last string) string {
		return `{"apiVersion": "bulwark.dev/v1alpha1", "kind": "Baseline", "findings": [
  {"fingerprint": "aa", "checkID": "K8S-001", "subject": "Pod/shop/ok", "firstSeen": "2026-10-01", "lastSeen": "2026-10-02"},
  {"fingerprint": "bb", "checkID": "K8S-001", "subject": "Pod/shop/web", "firstSeen": "` + first + `", "lastSeen": "` + last + `"}
]}`
	}
	for _, tt := range []struct{ first, last, want string }{
		{"2026-11-01", "2026-11-01", ""},
		{"2026-11-02", "2026-11-02", ""}, // one day of clock skew
		{"2026-11-03", "2026-11-03", `b.json:3: findings[1] ("K8S-001" on "Pod/shop/web"): firstSeen 2026-11-03 is after the run's date 2026-11-01`},
		{"9999-01-01", "9999-01-01", `b.json:3: findings[1] ("K8S-001" on "Pod/shop/web"): firstSeen "9999-01-01" is out of range`},
		{"0001-01-01", "2026-10-01", `firstSeen "0001-01-01" is out of range`},
		{"2026-10-01", "2027-01-01", "lastSeen 2027-01-01 is after the run's date 2026-11-01"},
		{"2026-10-05", "2026-10-01", "lastSeen 2026-10-01 is before firstSeen 2026-10-05"},
		{"2026-10-01", "3026-10-01", `lastSeen "3026-10-01" is out of range`},
	} {
		_, err := Parse("b.json", []byte(doc(tt.first, tt.last)), day("2026-11-01"))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("first %s last %s: %v", tt.first, tt.last, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("first %s last %s: %v, want %q", tt.first, tt.last, err, tt.want)
		}
	}
}
