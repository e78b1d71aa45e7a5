package render

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/report"
)

// Practices are the seed's AKS security practices, in the order the
// posture report shows them, with the names people read.
var Practices = []struct{ ID, Name string }{
	{"build", "Build"}, {"registry", "Registry"}, {"cluster-api-access", "Cluster access"}, {"identity-rbac", "Identity"},
	{"node-upgrades", "Nodes"}, {"container", "Containers"}, {"network", "Network"}, {"data-protection", "Data"},
	{"monitoring-logging", "Monitoring"}, {"threat-protection", "Threat"},
}

// Compliance statuses.
const (
	CompliancePass        = "pass"
	ComplianceFail        = "fail"
	ComplianceNotAssessed = "not assessed"
)

// Posture is what the posture report (HTML, Markdown) shows, computed
// from results without re-evaluating anything.
type Posture struct {
	Report *report.Report
	// Practices score each practice: the share of its checks that ran,
	// weighted by severity, that have no open finding.
	Practices []PracticeScore
	ASB, CIS  []Control
	// Findings are the report's, those on attack paths first, then by
	// severity.
	Findings []*report.Finding
	Checks   map[string]report.Check
	Trend    *Trend
}

// PracticeScore is one practice's score; Ran 0 means not assessed.
type PracticeScore struct {
	ID, Name      string
	Score         int
	Ran, Failing  int
	FailingChecks []string
}

// Control is one ASB control or CIS recommendation: pass when every check
// of it that ran has no open finding, fail when one has, not assessed when
// none ran. Checks counts the catalog's checks that serve it.
type Control struct {
	ID      string
	Status  string
	Checks  int
	Ran     int
	Failing []string
}

// Trend compares the findings with a previous result's, by fingerprint.
type Trend struct {
	New, Fixed []*report.Finding
	// Aged are open findings past their grace period (status fail with a
	// due date).
	Aged []*report.Finding
}

// open reports whether a finding still counts against the posture.
func open(f *report.Finding) bool {
	return f.Status != report.StatusExcepted && f.Status != report.StatusBaselined
}

var severityWeight = map[report.Severity]float64{report.SeverityInfo: 1, report.SeverityLow: 2, report.SeverityMedium: 4, report.SeverityHigh: 8, report.SeverityCritical: 16}

// NewPosture computes the posture of rep. catalog is every check Bulwark
// knows (the controls no check of the run serves are "not assessed");
// previous, when not nil, is the result to compare with.
func NewPosture(rep *report.Report, catalog []report.Check, previous *report.Report) *Posture {
	p := &Posture{Report: rep, Checks: map[string]report.Check{}}
	for _, c := range catalog {
		p.Checks[c.ID] = c
	}
	ran := map[string]bool{}
	for _, c := range rep.Checks {
		p.Checks[c.ID] = c
		ran[c.ID] = true
	}
	failing := map[string]bool{}
	for i := range rep.Findings {
		f := &rep.Findings[i]
		p.Findings = append(p.Findings, f)
		if open(f) {
			failing[f.CheckID] = true
		}
	}
	slices.SortStableFunc(p.Findings, func(a, b *report.Finding) int {
		return cmp.Or(cmp.Compare(min(b.AttackPaths, 1), min(a.AttackPaths, 1)), cmp.Compare(b.Severity, a.Severity), compareFindings(a, b))
	})
	for _, pr := range Practices {
		ps := PracticeScore{ID: pr.ID, Name: pr.Name}
		var total, bad float64
		for _, c := range rep.Checks {
			if c.Controls.Practice != pr.ID {
				continue
			}
			ps.Ran++
			total += severityWeight[c.Severity]
			if failing[c.ID] {
				ps.Failing++
				bad += severityWeight[c.Severity]
				ps.FailingChecks = append(ps.FailingChecks, c.ID)
			}
		}
		if total > 0 {
			ps.Score = int(math.Round(100 * (total - bad) / total))
		}
		p.Practices = append(p.Practices, ps)
	}
	p.ASB = controls(p.Checks, ran, failing, func(c report.Check) []string { return c.Controls.ASB })
	p.CIS = controls(p.Checks, ran, failing, func(c report.Check) []string { return c.Controls.CIS })
	if previous != nil {
		p.Trend = trend(rep, previous)
	}
	return p
}

func controls(checks map[string]report.Check, ran, failing map[string]bool, of func(report.Check) []string) []Control {
	byID := map[string]*Control{}
	ids := make([]string, 0, len(checks))
	for id := range checks {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		for _, ctl := range of(checks[id]) {
			c := byID[ctl]
			if c == nil {
				c = &Control{ID: ctl}
				byID[ctl] = c
			}
			c.Checks++
			if ran[id] {
				c.Ran++
				if failing[id] {
					c.Failing = append(c.Failing, id)
				}
			}
		}
	}
	out := make([]Control, 0, len(byID))
	for _, c := range byID {
		switch {
		case len(c.Failing) > 0:
			c.Status = ComplianceFail
		case c.Ran > 0:
			c.Status = CompliancePass
		default:
			c.Status = ComplianceNotAssessed
		}
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Control) int { return compareControlIDs(a.ID, b.ID) })
	return out
}

// compareControlIDs orders PV-4 before PV-10 and 4.2.1 before 4.10.
func compareControlIDs(a, b string) int {
	split := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '.' })
	}
	pa, pb := split(a), split(b)
	for i := 0; i < min(len(pa), len(pb)); i++ {
		var na, nb int
		_, ea := fmt.Sscanf(pa[i], "%d", &na)
		_, eb := fmt.Sscanf(pb[i], "%d", &nb)
		if ea == nil && eb == nil {
			if c := cmp.Compare(na, nb); c != 0 {
				return c
			}
			continue
		}
		if c := cmp.Compare(pa[i], pb[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(pa), len(pb))
}

func trend(cur, prev *report.Report) *Trend {
	t := &Trend{}
	before := map[string]bool{}
	for _, f := range prev.Findings {
		before[f.Fingerprint] = true
	}
	now := map[string]bool{}
	for i := range cur.Findings {
		f := &cur.Findings[i]
		now[f.Fingerprint] = true
		if !before[f.Fingerprint] {
			t.New = append(t.New, f)
		}
		if f.Status == report.StatusFail && f.Due != "" {
			t.Aged = append(t.Aged, f)
		}
	}
	for i := range prev.Findings {
		if f := &prev.Findings[i]; !now[f.Fingerprint] {
			t.Fixed = append(t.Fixed, f)
		}
	}
	return t
}
