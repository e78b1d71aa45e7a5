package decide

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/finding"
)

func TestApply(t *testing.T) {
	fs := []finding.Finding{{CheckID: "A", Severity: finding.SeverityMedium}, {CheckID: "B", Severity: finding.SeverityHigh}, {CheckID: "C", Severity: finding.SeverityCritical}}
	for _, tt := range []struct {
		failOn string
		want   []bool
	}{
		{"high", []bool{false, true, true}},
		{"medium", []bool{true, true, true}},
		{"critical", []bool{false, false, true}},
		{"none", []bool{false, false, false}},
	} {
		g, err := ParseFailOn(tt.failOn)
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range Apply(fs, g) {
			if d.Blocking != tt.want[i] {
				t.Errorf("fail-on %s: %s blocking=%v, want %v", tt.failOn, d.CheckID, d.Blocking, tt.want[i])
			}
		}
	}
	if _, err := ParseFailOn("severe"); err == nil {
		t.Error("ParseFailOn accepted an unknown severity")
	}
}
