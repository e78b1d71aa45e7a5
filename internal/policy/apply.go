package policy

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// Severity returns the severity a check's findings get under the policy.
func (p *Policy) Severity(checkID string, def finding.Severity) finding.Severity {
	if p == nil {
		return def
	}
	for _, o := range p.SeverityOverrides {
		if strings.EqualFold(o.Check.ID, checkID) {
			if s, err := finding.ParseSeverity(o.Severity.Value); err == nil {
				return s
			}
		}
	}
	if u := p.Vulnerabilities.Unrated.Value; u != "" {
		if c, ok := check.Lookup(checkID); ok && c.SeveritySetting == UnratedSetting {
			if s, err := finding.ParseSeverity(u); err == nil {
				return s
			}
		}
	}
	return def
}

// Grace returns the grace period in days for a severity, and whether one
// is set.
func (p *Policy) Grace(s finding.Severity) (int, bool) {
	if p == nil {
		return 0, false
	}
	var d *Duration
	switch s {
	case finding.SeverityCritical:
		d = p.GracePeriods.Critical
	case finding.SeverityHigh:
		d = p.GracePeriods.High
	case finding.SeverityMedium:
		d = p.GracePeriods.Medium
	case finding.SeverityLow:
		d = p.GracePeriods.Low
	case finding.SeverityInfo:
		d = p.GracePeriods.Info
	}
	if d == nil {
		return 0, false
	}
	return d.Days, true
}

// HasGrace reports whether any grace period is set.
func (p *Policy) HasGrace() bool {
	return p != nil && p.GracePeriods != (GracePeriods{})
}

// Selects reports whether the policy lets a check run.
func (p *Policy) Selects(c *check.Check) bool {
	if p == nil {
		return true
	}
	match := func(refs []CheckOrArea) bool {
		return slices.ContainsFunc(refs, func(r CheckOrArea) bool {
			return strings.EqualFold(r.ID, c.ID) || r.ID == c.Area
		})
	}
	if len(p.Checks.Include) > 0 && !match(p.Checks.Include) {
		return false
	}
	return !match(p.Checks.Exclude)
}

// Names reports whether the policy's checks.include names the check by
// its id (not by its area): a check asked for, which a run that cannot
// feed it must refuse instead of dropping.
func (p *Policy) Names(c *check.Check) bool {
	return p != nil && slices.ContainsFunc(p.Checks.Include, func(r CheckOrArea) bool { return strings.EqualFold(r.ID, c.ID) })
}

// Object is what exception selectors may look at besides the finding.
type Object struct {
	Labels, Annotations map[string]string
}

// Covers reports whether the exception's checks and selector match the
// finding. Expiry is the caller's business: an expired exception still
// "covers" a finding, so the run can say which findings it no longer waives.
func (e *Exception) Covers(f *finding.Finding, obj Object) bool {
	if !slices.ContainsFunc(e.Checks, func(c CheckRef) bool { return strings.EqualFold(c.ID, f.CheckID) }) {
		return false
	}
	s := e.Resources
	// A finding has no actor: an exception naming one is a detection's.
	if s.Actor != "" {
		return false
	}
	glob := func(pat, v string) bool {
		if pat == "" {
			return true
		}
		ok, _ := path.Match(pat, v)
		return ok
	}
	if !glob(s.Kind, f.Subject.Kind) || !glob(s.Namespace, f.Subject.Namespace) || !glob(s.Name, f.Subject.Name) {
		return false
	}
	// ARM ids are the subject names of Azure-side findings.
	if s.ARMID != "" && !glob(strings.ToLower(s.ARMID), strings.ToLower(f.Subject.Name)) {
		return false
	}
	// Image checks report the image reference as their evidence.
	if s.Image != "" && !glob(s.Image, f.Evidence) {
		return false
	}
	if len(s.Vulnerabilities) > 0 && !slices.ContainsFunc(s.Vulnerabilities, func(pat string) bool {
		return slices.ContainsFunc(f.Advisories, func(id string) bool { return glob(strings.ToUpper(pat), strings.ToUpper(id)) })
	}) {
		return false
	}
	for k, v := range s.Labels {
		if got, ok := obj.Labels[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// Where names the exception for messages: file:line.
func (e *Exception) Where(source string) string {
	if e.Line == 0 {
		return source
	}
	return source + ":" + strconv.Itoa(e.Line)
}

// CoversAlert reports whether the exception waives a detection's alert:
// its checks name the detection and its selector matches the request's
// actor (user name), resource (as kind), namespace and name. Expiry is
// the caller's business, as for Covers.
func (e *Exception) CoversAlert(checkID, actor, resource, namespace, name string) bool {
	if !slices.ContainsFunc(e.Checks, func(c CheckRef) bool { return strings.EqualFold(c.ID, checkID) }) {
		return false
	}
	s := e.Resources
	if s.ARMID != "" || s.Image != "" || len(s.Vulnerabilities) > 0 || len(s.Labels) > 0 {
		return false
	}
	for _, g := range [][2]string{{s.Actor, actor}, {s.Kind, resource}, {s.Namespace, namespace}, {s.Name, name}} {
		if g[0] == "" {
			continue
		}
		if ok, _ := path.Match(g[0], g[1]); !ok {
			return false
		}
	}
	return true
}
