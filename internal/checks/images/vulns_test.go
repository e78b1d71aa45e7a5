package images

import (
	"slices"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/imagescan"
)

func vulnResult() *imagescan.Result {
	r := baseResult()
	mk := func(id, sev, pkg, fixed string) imagescan.Vulnerability {
		return imagescan.Vulnerability{ID: id, Type: "deb", Package: pkg, Version: "1.0-1", Path: "var/lib/dpkg/status", Severity: sev, Fixed: fixed, Layer: 1, LayerDigest: "sha256:" + sixtyFour('b'), Platforms: []string{"linux/amd64"}}
	}
	r.Vulnerabilities = []imagescan.Vulnerability{
		mk("DSA-1", "CRITICAL", "openssl", "1.0-2"),
		mk("DSA-2", "HIGH", "openssl", ""),
		mk("DSA-3", "MODERATE", "curl", "1.0-3"),
		mk("DSA-4", "LOW", "zlib", "1.0-4"),
		mk("DSA-5", "", "glibc", ""),
		mk("DSA-6", "NEGLIGIBLE", "glibc", ""),
	}
	r.Vulnerabilities[0].Aliases = []string{"CVE-2026-0001"}
	r.Vulnerabilities[0].Score = 9.8
	r.Vulnerabilities[0].Binaries = []string{"libssl3"}
	return r
}

// Each advisory lands in exactly one of the five checks, by its rating.
func TestVulnerabilityChecksSplitBySeverity(t *testing.T) {
	want := map[string][]string{
		"IMG-001": {"DSA-1"},
		"IMG-002": {"DSA-2"},
		"IMG-003": {"DSA-3"},
		"IMG-004": {"DSA-4", "DSA-6"},
		"IMG-005": {"DSA-5"},
	}
	for id, ids := range want {
		fs := run(t, id, vulnResult())
		var got []string
		for _, f := range fs {
			if f.Evidence != "myacr.azurecr.io/app:1.0" {
				t.Errorf("%s: evidence %q, want the image reference (policy image selectors match it)", id, f.Evidence)
			}
			got = append(got, f.Field[strings.LastIndex(f.Field, "[")+1:len(f.Field)-1])
		}
		slices.Sort(got)
		if !slices.Equal(got, ids) {
			t.Errorf("%s: got %v, want %v", id, got, ids)
		}
	}
}

func TestVulnerabilityMessageAndPath(t *testing.T) {
	fs := run(t, "IMG-001", vulnResult())
	if len(fs) != 1 {
		t.Fatalf("got %d findings", len(fs))
	}
	f := fs[0]
	if f.Field != "packages[deb:openssl@var/lib/dpkg/status].vulnerabilities[DSA-1]" {
		t.Errorf("field %q", f.Field)
	}
	for _, part := range []string{"openssl (libssl3) 1.0-1", "DSA-1", "CVE-2026-0001", "CVSS 9.8", "fixed in 1.0-2", "layer 1 (sha256:bbbbbbbbbbbb)"} {
		if !strings.Contains(f.Message, part) {
			t.Errorf("message %q lacks %q", f.Message, part)
		}
	}
	// The version is not part of the fingerprint: a rebuild with another
	// vulnerable version keeps the finding's history.
	r := vulnResult()
	r.Vulnerabilities[0].Version = "1.0-1+b1"
	if g := run(t, "IMG-001", r); g[0].Fingerprint != f.Fingerprint {
		t.Error("fingerprint changed with the package version")
	}
	if g := run(t, "IMG-002", vulnResult()); !strings.Contains(g[0].Message, "no fix published") {
		t.Errorf("unfixed message %q", g[0].Message)
	}
}

func TestVulnerabilitiesNotAssessed(t *testing.T) {
	r := vulnResult()
	r.NotAssessed = map[string]string{imagescan.AspectVulnerabilities: "no database"}
	if fs := run(t, "IMG-001", r); len(fs) != 0 {
		t.Errorf("not assessed image reported %d findings", len(fs))
	}
	r = vulnResult()
	r.Err = "registry unreachable"
	if fs := run(t, "IMG-001", r); len(fs) != 0 {
		t.Errorf("unreadable image reported %d findings", len(fs))
	}
}

func TestVulnerabilityFindingsNameTheirAdvisories(t *testing.T) {
	fs := run(t, "IMG-001", vulnResult())
	if len(fs) != 1 || !slices.Equal(fs[0].Advisories, []string{"DSA-1", "CVE-2026-0001"}) {
		t.Errorf("advisories %v, want the OSV id then its aliases", fs[0].Advisories)
	}
}
