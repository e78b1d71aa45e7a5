package vuln

import (
	"math"
	"testing"
)

func FuzzCVSS3BaseScore(f *testing.F) {
	f.Add("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
	f.Add("CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:C/C:N/I:L/A:N")
	f.Add("CVSS:3.1/AV:N/AV:N")
	f.Add("CVSS:4.0/AV:N")
	f.Fuzz(func(t *testing.T, v string) {
		s, err := CVSS3BaseScore(v)
		if err == nil && (math.IsNaN(s) || s < 0 || s > 10) {
			t.Fatalf("%q scored %v", v, s)
		}
	})
}
