package scan

import (
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// CheckMeta is a check's declaration as the catalog lists it.
type CheckMeta = check.Meta

// CheckControls are the controls a check serves.
type CheckControls = check.Controls

// Severity is a finding's severity.
type Severity = finding.Severity

// ParseSeverity reads a severity name.
func ParseSeverity(s string) (Severity, error) { return finding.ParseSeverity(s) }

// CheckSources name the inputs that can feed checks, in catalog order.
func CheckSources() []string {
	names := make([]string, len(check.Sources))
	for i, s := range check.Sources {
		names[i] = string(s)
	}
	return names
}

// CatalogFilter selects checks of the catalog; zero fields select all.
type CatalogFilter struct {
	// Area matches the check's area exactly.
	Area string
	// MinSeverity keeps checks at or above it.
	MinSeverity Severity
	// Control keeps checks mapped to a control whose id contains it,
	// case-insensitively.
	Control string
	// Source keeps the checks that input can feed.
	Source string
}

// Catalog lists the registered checks f selects, in catalog order. An
// unknown area or source is a UsageError naming the valid ones.
func Catalog(f CatalogFilter) ([]CheckMeta, error) {
	all := check.All()
	if f.Area != "" && !slices.ContainsFunc(all, func(c *check.Check) bool { return c.Area == f.Area }) {
		return nil, usageErr("--area %q: no such area (want one of %s)", f.Area, strings.Join(areas(all), ", "))
	}
	if f.Source != "" && !slices.Contains(check.Sources, check.Source(f.Source)) {
		return nil, usageErr("--source %q: want one of %s", f.Source, strings.Join(CheckSources(), ", "))
	}
	var sel []CheckMeta
	for _, c := range all {
		if f.Area != "" && c.Area != f.Area || c.Severity < f.MinSeverity || f.Control != "" && !mapsTo(c.Meta, f.Control) ||
			f.Source != "" && !c.RunsOn(check.Source(f.Source)) {
			continue
		}
		sel = append(sel, c.Meta)
	}
	return sel, nil
}

// LookupCheck finds a registered check by id.
func LookupCheck(id string) (CheckMeta, bool) {
	c, ok := check.Lookup(id)
	if !ok {
		return CheckMeta{}, false
	}
	return c.Meta, true
}

func areas(cs []*check.Check) []string {
	var out []string
	for _, c := range cs {
		if !slices.Contains(out, c.Area) {
			out = append(out, c.Area)
		}
	}
	slices.Sort(out)
	return out
}

func mapsTo(m check.Meta, q string) bool {
	q = strings.ToLower(q)
	has := func(s string) bool { return strings.Contains(strings.ToLower(s), q) }
	return slices.ContainsFunc(m.Controls.ASB, has) || slices.ContainsFunc(m.Controls.CIS, has) ||
		has(m.Controls.PSS) || has(m.Controls.Practice) || slices.ContainsFunc(m.Controls.MITRE, has)
}

// AuditSource is the source of the detections (DET-…): audit events.
const AuditSource = check.Audit
