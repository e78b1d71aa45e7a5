package images

import (
	"fmt"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/imagescan"
	"github.com/bulwark-sec/bulwark/internal/inventory"
)

// Vulnerabilities are split into one check per advisory rating so that
// the gate (--fail-on, the policy's failOn and severity overrides) works on
// them like on any check: IMG-001 critical ... IMG-004 low, and IMG-005 for
// advisories that rate nothing (most Debian, Alpine and Go advisories carry
// no CVSS score in OSV).

var vulnRemediation = "Rebuild the image on a base with the fixed package versions (or bump the Go module / toolchain) and redeploy it by digest:\n\n" +
	"    docker build --pull -t myacr.azurecr.io/app:1.4.1 .\n\n" +
	"The finding names the fixed version and the layer that added the package; a package added by the base image's layers is fixed by rebuilding on a fresh base (IMG-020). " +
	"Run `bulwark db import` regularly: findings are only as current as the vulnerability data. " +
	"Accept a finding that cannot be fixed yet with a policy exception (checks: [IMG-00x], image: <reference>), with an owner and an expiry."

func registerVulnCheck(id, title string, sev finding.Severity, severitySetting string, matches func(level string) bool) {
	// A critical or high vulnerability in a reachable workload is how an
	// attack path gets its first foothold (attackpath counts only those
	// with a fix).
	var attack check.AttackStep
	if sev >= finding.SeverityHigh {
		attack = check.AttackExploit
	}
	check.Register(&check.Check{
		Meta: check.Meta{
			ID: id, Title: title, Severity: sev, Area: "vulnerabilities",
			Description: "The image contains a package version that a published advisory (OSV: Debian, Alpine, Go vulnerability database) says is vulnerable. " +
				"Packages are read from the image's layers (dpkg status, apk installed database, Go build information of binaries) and matched by the name advisories use: the Debian source package, the Alpine origin, the Go module or standard library.",
			Remediation:     vulnRemediation,
			Controls:        check.Controls{ASB: []string{"PV-5", "PV-6"}, CIS: []string{"5.1.1"}, Practice: "registry"},
			Kinds:           []string{imagescan.Kind},
			Sources:         []check.Source{check.Images},
			ImageAspects:    []string{imagescan.AspectVulnerabilities},
			SeveritySetting: severitySetting,
			Attack:          attack,
		},
		Eval: func(_ *check.Context, obj *inventory.Object, r *check.Report) {
			res := result(obj, imagescan.AspectVulnerabilities)
			if res == nil {
				return
			}
			for _, v := range res.Vulnerabilities {
				if matches(v.Severity) {
					r.FailAdvisory(v.FieldPath(), res.Ref, append([]string{v.ID}, v.Aliases...), "%s", describe(v))
				}
			}
		},
	})
}

// Level classifies an advisory rating into the check that reports it.
func Level(severity string) string {
	switch strings.ToUpper(severity) {
	case "CRITICAL":
		return "critical"
	case "HIGH", "IMPORTANT":
		return "high"
	case "MEDIUM", "MODERATE":
		return "medium"
	case "LOW", "NEGLIGIBLE", "UNIMPORTANT":
		return "low"
	}
	return ""
}

func describe(v imagescan.Vulnerability) string {
	var b strings.Builder
	pkg := v.Package
	if len(v.Binaries) > 0 {
		pkg = fmt.Sprintf("%s (%s)", v.Package, strings.Join(v.Binaries, ", "))
	}
	fmt.Fprintf(&b, "%s %s %s is affected by %s", v.Type, pkg, v.Version, v.ID)
	var notes []string
	if len(v.Aliases) > 0 {
		notes = append(notes, strings.Join(v.Aliases, ", "))
	}
	if v.Score > 0 {
		notes = append(notes, fmt.Sprintf("CVSS %.1f", v.Score))
	}
	if v.RatedBy != "" {
		notes = append(notes, fmt.Sprintf("rated %s by %s", strings.ToLower(v.Severity), v.RatedBy))
	}
	if len(notes) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(notes, "; "))
	}
	if v.Summary != "" {
		fmt.Fprintf(&b, ": %s", strings.TrimSuffix(v.Summary, "."))
	}
	if v.Fixed != "" {
		fmt.Fprintf(&b, "; fixed in %s", v.Fixed)
	} else {
		b.WriteString("; no fix published")
	}
	if v.Type == "go" {
		fmt.Fprintf(&b, "; in /%s", v.Path)
	}
	fmt.Fprintf(&b, "; added by layer %d (%s)", v.Layer, short(v.LayerDigest))
	return b.String()
}

func short(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}
