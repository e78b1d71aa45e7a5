package images

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/imagescan"
)

// Each vulnerability check stays quiet on an image whose advisories are
// all rated for the other checks, and on an image with none.
func TestVulnerabilityChecksQuietOnOtherRatings(t *testing.T) {
	for id, sev := range map[string]string{"IMG-001": "LOW", "IMG-002": "CRITICAL", "IMG-003": "HIGH", "IMG-004": "MEDIUM", "IMG-005": "HIGH"} {
		r := baseResult()
		r.Vulnerabilities = []imagescan.Vulnerability{{ID: "DSA-9", Type: "deb", Package: "openssl", Version: "1.0-1", Severity: sev, Platforms: []string{"linux/amd64"}}}
		if fs := run(t, id, r); len(fs) != 0 {
			t.Errorf("%s fired on a %s advisory: %v", id, sev, fs)
		}
		if fs := run(t, id, baseResult()); len(fs) != 0 {
			t.Errorf("%s fired on an image without advisories: %v", id, fs)
		}
	}
}
