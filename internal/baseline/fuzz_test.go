package baseline

import (
	"testing"
	"time"
)

// FuzzParse: any bytes give a baseline or an error, never a panic, and an
// accepted baseline answers lookups for each of its entries.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"apiVersion": "bulwark.dev/v1alpha1", "kind": "Baseline", "findings": [{"fingerprint": "a", "checkID": "K8S-001", "subject": "Pod/x/y", "firstSeen": "2026-01-01", "lastSeen": "2026-01-02"}]}`))
	f.Add([]byte(`{"apiVersion": "bulwark.dev/v1alpha1", "kind": "Baseline", "findings": []}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse("fuzz.json", data, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return
		}
		for _, e := range b.Findings {
			if _, ok := b.FirstSeen(e.Fingerprint); !ok {
				t.Fatalf("entry %q cannot be looked up", e.Fingerprint)
			}
		}
	})
}
