// Package imagescan assesses container images for the IMG checks: it
// resolves each reference to the digest that runs (or would run), builds
// the package inventory of every wanted platform, matches it against the
// vulnerability database, verifies the image's signature, compares the
// digest with what the tag points to now (drift) and asks whether the base
// image has been rebuilt since. Results are cached by digest, so assessing
// an image again with the same database costs a cache read.
//
// The result of an image is turned into an inventory object of kind Image
// (ToObjects) and judged by the checks in internal/checks/image, so image
// findings go through the same policy, baseline and outputs as any other.
package imagescan

import (
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/image"
)

// Aspects of an image assessment. An aspect that could not be assessed is
// named in Result.NotAssessed with the reason, and the checks reading it
// report nothing for the image (the scan says so: never a silent pass).
const (
	AspectVulnerabilities = "vulnerabilities"
	AspectSignature       = "signature"
	AspectDrift           = "drift"
	AspectBase            = "base"
	// AspectRecord is the scan record of an image judged without pulling
	// it (Options.RecordsOnly).
	AspectRecord = "record"
)

// Vulnerability is one advisory affecting one package of the image.
type Vulnerability struct {
	ID      string   `json:"id"`
	Aliases []string `json:"aliases,omitempty"`
	Summary string   `json:"summary,omitempty"`
	// Type is the package type: deb, apk or go.
	Type string `json:"type"`
	// Package is the name advisories use: the Debian source package, the
	// Alpine origin, the Go module path or "stdlib".
	Package string `json:"package"`
	Version string `json:"version"`
	// Binaries are the installed binary packages built from Package
	// (deb and apk), when they differ from it.
	Binaries []string `json:"binaries,omitempty"`
	// Path is the file the package was found in (the Go binary, or the
	// package database).
	Path string `json:"path"`
	// Fixed is the first fixed version above the installed one; empty
	// when no fix is published.
	Fixed string `json:"fixed,omitempty"`
	// Severity is CRITICAL, HIGH, MEDIUM, LOW or "" when the advisory
	// rates none.
	Severity string  `json:"severity,omitempty"`
	Score    float64 `json:"score,omitempty"`
	Vector   string  `json:"vector,omitempty"`
	// RatedBy is the GitHub advisory whose rating Severity is, when the
	// advisory itself rates nothing.
	RatedBy string `json:"ratedBy,omitempty"`
	// Layer that added the package (0-based) and its digest.
	Layer       int    `json:"layer"`
	LayerDigest string `json:"layerDigest"`
	// Platforms the package is vulnerable on (os/arch[/variant]).
	Platforms []string `json:"platforms"`
}

// Key identifies the vulnerability across versions of the package: the
// fingerprint of its finding, so that a rebuild that does not fix it keeps
// its history.
func (v Vulnerability) Key() string { return v.Type + ":" + v.Package + "@" + v.Path }

// FieldPath is the field a finding about the vulnerability names: the package
// by type, name and file and the advisory, not the version, so a rebuild
// that does not fix it keeps the finding's fingerprint, baseline entry and
// exception.
func (v Vulnerability) FieldPath() *field.Path {
	return field.NewPath("packages").Key(v.Key()).Child("vulnerabilities").Key(v.ID)
}

// Signature is the outcome of verifying the image's signature.
type Signature struct {
	Verified bool   `json:"verified"`
	Reason   string `json:"reason,omitempty"`
	Signer   string `json:"signer,omitempty"`
	Policy   string `json:"policy,omitempty"`
}

// Drift compares the digest in use with what the tag points to now.
type Drift struct {
	Tag string `json:"tag"`
	// Current is the digest the tag points to in the registry now.
	Current string `json:"current"`
	// Deployed is the digest the workload runs or pins; empty when the
	// reference is a bare tag that nothing pins.
	Deployed string `json:"deployed,omitempty"`
	// CurrentSignature is the verdict on Current when it differs from
	// Deployed and a trust policy is configured.
	CurrentSignature *Signature `json:"currentSignature,omitempty"`
}

// Moved reports whether the tag points somewhere else than the workload.
func (d *Drift) Moved() bool { return d != nil && d.Deployed != "" && d.Current != d.Deployed }

// Base is the base-image freshness verdict.
type Base struct {
	Name string `json:"name"`
	// Source says where the base came from: annotation, label, dockerfile.
	Source  string `json:"source"`
	Digest  string `json:"digest,omitempty"`
	Current string `json:"current,omitempty"`
	Stale   bool   `json:"stale"`
	// Confirmed is set when the layers prove the verdict (the base's
	// layers are a prefix of the image's).
	Confirmed bool `json:"confirmed"`
	// Age is how long the newer base has existed, when known.
	Age    time.Duration `json:"age,omitempty"`
	Reason string        `json:"reason,omitempty"`
}

// Result is the assessment of one image as one workload (or the command
// line) uses it.
type Result struct {
	Target
	// Repository is host/path for registry images, empty for local ones.
	Repository string `json:"repository,omitempty"`
	// Local is set for OCI layouts and tarballs.
	Local bool `json:"local,omitempty"`
	// Digest is the digest assessed (an index's digest for multi-platform
	// images).
	Digest    string   `json:"digest,omitempty"`
	Platforms []string `json:"platforms,omitempty"`
	OS        string   `json:"os,omitempty"`
	Packages  int      `json:"packages"`
	// Vulnerabilities are sorted by package key and id.
	Vulnerabilities []Vulnerability `json:"vulnerabilities"`
	Signature       *Signature      `json:"signature,omitempty"`
	Drift           *Drift          `json:"drift,omitempty"`
	Base            *Base           `json:"base,omitempty"`
	// Unread are package databases in the image that Bulwark does not
	// read (rpm): their packages were not checked at all.
	Unread []string `json:"unread,omitempty"`
	// Uncovered are ecosystems (Debian, Alpine, Go) the image has
	// packages of but the database has no data for: those packages were
	// not checked, which the scan reports as an incomplete verdict.
	Uncovered []string `json:"uncovered,omitempty"`
	// NeverScanned is set when the image was judged from scan records
	// and none exists for its digest.
	NeverScanned bool `json:"neverScanned,omitempty"`
	// Cached is set when the vulnerabilities came from the result cache.
	Cached bool `json:"cached,omitempty"`
	// NotAssessed maps an aspect to why it could not be assessed.
	NotAssessed map[string]string `json:"notAssessed,omitempty"`
	// Err is set when nothing of the image could be read: the run's
	// verdict is incomplete.
	Err string `json:"error,omitempty"`
	// Warnings do not change the verdict.
	Warnings []string `json:"warnings,omitempty"`
}

// Assessed reports whether an aspect was assessed.
func (r *Result) Assessed(aspect string) bool {
	_, no := r.NotAssessed[aspect]
	return !no && r.Err == ""
}

func (r *Result) notAssessed(aspect, reason string) {
	if r.NotAssessed == nil {
		r.NotAssessed = map[string]string{}
	}
	if _, ok := r.NotAssessed[aspect]; !ok {
		r.NotAssessed[aspect] = reason
	}
}

// Location is where findings about the image point: the first workload
// using it, else the image itself.
func (r *Result) Location() finding.Location {
	if len(r.Uses) > 0 {
		return r.Uses[0].Location
	}
	where := r.Ref
	if r.Digest != "" && !r.Local {
		where = r.Repository + "@" + r.Digest
	}
	return finding.Location{Resource: where}
}

// platformString is os/arch[/variant] of an image.
func platformString(img *image.Image) string {
	if img.Platform == nil {
		return ""
	}
	return img.Platform.String()
}
