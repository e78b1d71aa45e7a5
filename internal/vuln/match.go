package vuln

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	apkver "github.com/knqyf263/go-apk-version"
	debver "github.com/knqyf263/go-deb-version"
	"golang.org/x/mod/semver"

	"github.com/bulwark-sec/bulwark/internal/image"
)

// Ecosystem names as used by OSV.
const (
	EcoDebian = "Debian"
	EcoUbuntu = "Ubuntu"
	EcoAlpine = "Alpine"
	EcoGo     = "Go"
)

// Query is one installed package to look up.
type Query struct {
	Ecosystem string // "Debian", "Alpine" or "Go" (a ":release" suffix is allowed)
	// Release of the distribution (Debian "12", Alpine "3.20" / "v3.20" /
	// "3.20.3"). Empty matches advisories of every release.
	Release string
	Name    string // Debian: source package; Alpine: origin; Go: module path or "stdlib"
	Version string // Debian: source version
	// GOOS and GOARCH of a Go binary: advisories limited to other
	// platforms (ecosystem_specific.imports[].goos/goarch) do not apply.
	// Empty matches every platform.
	GOOS, GOARCH string
}

// SeverityInfo is the severity of a match.
type SeverityInfo struct {
	Type   string  // CVSS_V3, CVSS_V4, or "" when taken from database_specific
	Vector string  // CVSS vector
	Score  float64 // CVSS v3 base score; 0 when unknown (CVSS v4 is not scored)
	Level  string  // CRITICAL, HIGH, MEDIUM, LOW, or database_specific text
}

// Match is one advisory affecting one query.
type Match struct {
	Query     Query
	ID        string
	Aliases   []string
	Summary   string
	Ecosystem string // as written in the advisory, e.g. "Debian:12"
	Fixed     string // first fixed version above the installed one, "" if none
	Severity  SeverityInfo
}

// QueriesFor maps inventoried packages to queries. osr is the image's
// os-release (nil when it has none): the distribution decides whose
// advisories apply to its dpkg and apk packages. Ubuntu packages are not
// Debian's (other versions, other fixes), nor are Wolfi's Alpine's; a
// distribution whose advisories Bulwark cannot match gets its own
// ecosystem name, so the scan says it has no data for it instead of
// matching the wrong advisories.
func QueriesFor(pkgs []image.Package, osr *image.OSRelease) []Query {
	id, release := "", ""
	if osr != nil {
		id, release = strings.ToLower(osr.ID), osr.VersionID
	}
	out := make([]Query, 0, len(pkgs))
	for _, p := range pkgs {
		switch p.Type {
		case image.TypeDeb:
			n, v := p.SourceName, p.SourceVersion
			if n == "" {
				n = p.Name
			}
			if v == "" {
				v = p.Version
			}
			out = append(out, Query{Ecosystem: distroEcosystem(id, EcoDebian), Release: release, Name: n, Version: v})
		case image.TypeApk:
			n := p.SourceName
			if n == "" {
				n = p.Name
			}
			out = append(out, Query{Ecosystem: distroEcosystem(id, EcoAlpine), Release: release, Name: n, Version: p.Version})
		case image.TypeGo:
			out = append(out, Query{Ecosystem: EcoGo, Name: p.Name, Version: p.Version, GOOS: p.GOOS, GOARCH: p.GOARCH})
		}
	}
	return out
}

// distroEcosystem is the OSV ecosystem of a distribution's packages, by
// its os-release ID. An image without os-release is taken as the package
// manager's home distribution (distroless images built from Debian keep
// dpkg data and may lack the file).
func distroEcosystem(id, home string) string {
	switch id {
	case "":
		return home
	case "debian":
		return EcoDebian
	case "ubuntu":
		return EcoUbuntu
	case "alpine":
		return EcoAlpine
	}
	r, n := utf8.DecodeRuneInString(id)
	return string(unicode.ToUpper(r)) + id[n:]
}

// version is a parsed, comparable version.
type version interface{ cmp(other version) int }

type debV struct{ v debver.Version }

func (a debV) cmp(b version) int { return sign(a.v.Compare(b.(debV).v)) }

type apkV struct{ v apkver.Version }

func (a apkV) cmp(b version) int { return sign(a.v.Compare(b.(apkV).v)) }

type semV string

func (a semV) cmp(b version) int { return semver.Compare(string(a), string(b.(semV))) }

func sign(i int) int {
	switch {
	case i < 0:
		return -1
	case i > 0:
		return 1
	}
	return 0
}

var goRelease = regexp.MustCompile(`^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$`)

// parseVersion parses v for ecosystem eco; name matters for Go's stdlib and
// toolchain, which use Go release versions.
func parseVersion(eco, name, v string) (version, error) {
	switch eco {
	case EcoDebian, EcoUbuntu:
		d, err := debver.NewVersion(v)
		if err != nil {
			return nil, err
		}
		return debV{d}, nil
	case EcoAlpine:
		a, err := apkver.NewVersion(v)
		if err != nil {
			return nil, err
		}
		return apkV{a}, nil
	case EcoGo:
		s := v
		if name == "stdlib" || name == "toolchain" {
			if m := goRelease.FindStringSubmatch(v); m != nil {
				patch := m[3]
				if patch == "" {
					patch = "0"
				}
				s = "v" + m[1] + "." + m[2] + "." + patch
				if m[4] != "" {
					s += "-" + m[4] + "." + m[5]
				}
			}
		}
		if !strings.HasPrefix(s, "v") {
			s = "v" + s
		}
		if !semver.IsValid(s) {
			return nil, fmt.Errorf("invalid semver %q", v)
		}
		return semV(s), nil
	}
	return nil, fmt.Errorf("unsupported ecosystem %q", eco)
}

// CompareVersions orders two versions of package name in ecosystem eco
// (-1, 0, 1).
func CompareVersions(eco, name, a, b string) (int, error) {
	eco, _ = splitEcosystem(eco)
	va, err := parseVersion(eco, name, a)
	if err != nil {
		return 0, err
	}
	vb, err := parseVersion(eco, name, b)
	if err != nil {
		return 0, err
	}
	return va.cmp(vb), nil
}

func normRelease(eco, r string) string {
	r = strings.TrimPrefix(strings.TrimSpace(r), "v")
	if eco == EcoUbuntu {
		// "Ubuntu:22.04:LTS" is release 22.04; "Ubuntu:Pro:18.04:LTS"
		// (ESM, for Ubuntu Pro subscribers) stays apart and matches no
		// image's VERSION_ID.
		return strings.TrimSuffix(r, ":LTS")
	}
	if eco == EcoAlpine {
		parts := strings.SplitN(r, ".", 3)
		if len(parts) >= 2 {
			return parts[0] + "." + parts[1]
		}
	}
	return r
}

// Match returns the advisories affecting q, one per advisory ID, sorted by
// ID. An error is returned when the installed version cannot be parsed.
func (db *DB) Match(q Query) ([]Match, error) {
	eco, rel := splitEcosystem(q.Ecosystem)
	if q.Release != "" {
		rel = q.Release
	}
	refs := db.index[pkgKey{eco, q.Name}]
	if len(refs) == 0 {
		return nil, nil
	}
	iv, err := parseVersion(eco, q.Name, q.Version)
	if err != nil {
		return nil, fmt.Errorf("%s %s: version %q: %w", eco, q.Name, q.Version, err)
	}
	want := normRelease(eco, rel)
	seen := map[string]int{}
	var out []Match
	for _, r := range refs {
		if want != "" && r.release != "" && normRelease(eco, r.release) != want {
			continue
		}
		a := &r.entry.Affected[r.affected]
		if !r.c.onPlatform(q.GOOS, q.GOARCH) {
			continue
		}
		hit, fixed := affects(q.Version, iv, r.c)
		if !hit {
			continue
		}
		if i, ok := seen[r.entry.ID]; ok {
			if out[i].Fixed == "" && fixed != "" {
				out[i].Fixed = fixed
			}
			continue
		}
		seen[r.entry.ID] = len(out)
		out = append(out, Match{
			Query: q, ID: r.entry.ID, Aliases: r.entry.Names(), Summary: r.entry.Title(),
			Ecosystem: a.Package.Ecosystem, Fixed: fixed, Severity: severityOf(r.entry, a),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// MatchAll runs Match for every query; queries with unparsable versions are
// reported in errs and skipped.
func (db *DB) MatchAll(qs []Query) (matches []Match, errs []error) {
	for _, q := range qs {
		m, err := db.Match(q)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		matches = append(matches, m...)
	}
	return matches, errs
}

type pev struct {
	kind int // 0 introduced, 1 fixed, 2 last_affected, 3 limit
	raw  string
	v    version // nil for introduced "0" and limit "*"
}

// compiled is an affected[] element with its versions parsed once at load
// time.
type compiled struct {
	// platforms are the Go platforms of ecosystem_specific.imports, each
	// a goos and a goarch list (empty = any); nil = every platform.
	platforms   [][2][]string
	rawVersions map[string]bool
	versions    []version
	ranges      [][]pev // sorted events of each ECOSYSTEM/SEMVER range
}

// compile parses a for ecosystem eco. Ranges with an unparsable event are
// dropped (counted in bad).
func compile(eco, name string, a *Affected) (c *compiled, bad int) {
	c = &compiled{}
	if eco == EcoGo {
		c.platforms = GoPlatforms(a.EcosystemSpecific)
	}
	for _, v := range a.Versions {
		if c.rawVersions == nil {
			c.rawVersions = map[string]bool{}
		}
		c.rawVersions[v] = true
		if pv, err := parseVersion(eco, name, v); err == nil {
			c.versions = append(c.versions, pv)
		}
	}
	for _, rg := range a.Ranges {
		if rg.Type != "ECOSYSTEM" && rg.Type != "SEMVER" {
			continue
		}
		evs, ok := compileEvents(eco, name, rg.Events)
		if !ok {
			bad++
			continue
		}
		c.ranges = append(c.ranges, evs)
	}
	return c, bad
}

func compileEvents(eco, name string, events []Event) ([]pev, bool) {
	evs := make([]pev, 0, len(events))
	for _, e := range events {
		var p pev
		switch {
		case e.Introduced != "":
			p = pev{kind: 0, raw: e.Introduced}
		case e.Fixed != "":
			p = pev{kind: 1, raw: e.Fixed}
		case e.LastAffected != "":
			p = pev{kind: 2, raw: e.LastAffected}
		case e.Limit != "":
			p = pev{kind: 3, raw: e.Limit}
		default:
			continue
		}
		if !(p.kind == 0 && p.raw == "0") && !(p.kind == 3 && p.raw == "*") {
			v, err := parseVersion(eco, name, p.raw)
			if err != nil {
				return nil, false
			}
			p.v = v
		}
		evs = append(evs, p)
	}
	// "0" sorts first, "*" last.
	rank := func(p pev) int {
		switch {
		case p.v != nil:
			return 1
		case p.kind == 0:
			return 0
		}
		return 2
	}
	sort.SliceStable(evs, func(i, j int) bool {
		a, b := evs[i], evs[j]
		if ra, rb := rank(a), rank(b); ra != rb || ra != 1 {
			return ra < rb
		}
		return a.v.cmp(b.v) < 0
	})
	return evs, true
}

// GoPlatforms reads ecosystem_specific.imports[].goos/goarch of a Go
// advisory: one goos and one goarch list per import (an empty list allows
// any). An import without either applies everywhere, and so does the
// advisory: nil.
func GoPlatforms(raw json.RawMessage) [][2][]string {
	if len(raw) == 0 {
		return nil
	}
	var es struct {
		Imports []struct {
			GOOS   []string `json:"goos"`
			GOARCH []string `json:"goarch"`
		} `json:"imports"`
	}
	if json.Unmarshal(raw, &es) != nil {
		return nil
	}
	var out [][2][]string
	for _, i := range es.Imports {
		if len(i.GOOS) == 0 && len(i.GOARCH) == 0 {
			return nil
		}
		out = append(out, [2][]string{i.GOOS, i.GOARCH})
	}
	return out
}

// onPlatform reports whether the advisory applies to a binary for goos
// and goarch ("" = unknown, which applies).
func (c *compiled) onPlatform(goos, goarch string) bool {
	if len(c.platforms) == 0 {
		return true
	}
	in := func(list []string, v string) bool { return len(list) == 0 || v == "" || slices.Contains(list, v) }
	for _, p := range c.platforms {
		if in(p[0], goos) && in(p[1], goarch) {
			return true
		}
	}
	return false
}

// affects evaluates the versions list and the ranges of c.
func affects(raw string, iv version, c *compiled) (bool, string) {
	hit := c.rawVersions[raw]
	if !hit {
		for _, v := range c.versions {
			if v.cmp(iv) == 0 {
				hit = true
				break
			}
		}
	}
	fixed := ""
	for _, evs := range c.ranges {
		in, fx := evalRange(iv, evs)
		if in {
			hit = true
		}
		if fx != "" && (in || fixed == "") {
			fixed = fx
		}
	}
	if !hit {
		return false, ""
	}
	return true, fixed
}

// evalRange applies the OSV range algorithm to sorted events. fixed is the
// lowest fixed event above the installed version.
func evalRange(iv version, evs []pev) (affected bool, fixed string) {
	var fixedV version
	for _, e := range evs {
		var c int // installed compared to event
		switch {
		case e.v != nil:
			c = iv.cmp(e.v)
		case e.kind == 3: // limit "*"
			c = -1
		default: // introduced "0"
			c = 1
		}
		switch e.kind {
		case 0:
			if c >= 0 {
				affected = true
			}
		case 1:
			if c >= 0 {
				affected = false
			} else if fixedV == nil || e.v.cmp(fixedV) < 0 {
				fixedV, fixed = e.v, e.raw
			}
		case 2:
			if c > 0 {
				affected = false
			}
		case 3:
			if c >= 0 {
				affected = false
			}
		}
	}
	return affected, fixed
}

// EntrySeverity is the rating of an advisory as a whole: its severity[]
// (CVSS, Ubuntu priority), else database_specific.severity.
func EntrySeverity(e *Entry) SeverityInfo { return severityOf(e, &Affected{}) }

// Rank orders rating levels: CRITICAL 4, HIGH (IMPORTANT) 3, MEDIUM
// (MODERATE) 2, LOW (NEGLIGIBLE, UNIMPORTANT) 1, anything else 0.
func Rank(level string) int {
	switch strings.ToUpper(level) {
	case "CRITICAL":
		return 4
	case "HIGH", "IMPORTANT":
		return 3
	case "MEDIUM", "MODERATE":
		return 2
	case "LOW", "NEGLIGIBLE", "UNIMPORTANT":
		return 1
	}
	return 0
}

func severityOf(e *Entry, a *Affected) SeverityInfo {
	for _, list := range [][]Severity{e.Severity, a.Severity} {
		var best SeverityInfo
		for _, s := range list {
			si := SeverityInfo{Type: s.Type, Vector: s.Score}
			switch {
			case strings.HasPrefix(s.Type, "CVSS_V3") || strings.HasPrefix(s.Score, "CVSS:3"):
				if sc, err := CVSS3BaseScore(s.Score); err == nil {
					si.Score, si.Level = sc, LevelForScore(sc)
				}
			case s.Type == "Ubuntu":
				// Ubuntu's priority (negligible ... critical), not a vector.
				si.Vector, si.Level = "", strings.ToUpper(s.Score)
			}
			if best.Vector == "" && best.Level == "" || si.Score > best.Score || best.Level == "" && si.Level != "" && si.Score >= best.Score {
				best = si
			}
		}
		if best.Vector != "" || best.Level != "" {
			if best.Level == "" {
				best.Level = dbSeverity(e.DatabaseSpecific, a.DatabaseSpecific, a.EcosystemSpecific)
			}
			return best
		}
	}
	return SeverityInfo{Level: dbSeverity(e.DatabaseSpecific, a.DatabaseSpecific, a.EcosystemSpecific)}
}

func dbSeverity(raws ...json.RawMessage) string {
	for _, raw := range raws {
		if len(raw) == 0 {
			continue
		}
		var ds struct {
			Severity json.RawMessage `json:"severity"`
		}
		if json.Unmarshal(raw, &ds) != nil || len(ds.Severity) == 0 {
			continue
		}
		var s string
		if json.Unmarshal(ds.Severity, &s) == nil && s != "" {
			return strings.ToUpper(s)
		}
	}
	return ""
}

// LevelForScore maps a CVSS score to its qualitative rating.
func LevelForScore(s float64) string {
	switch {
	case s >= 9:
		return "CRITICAL"
	case s >= 7:
		return "HIGH"
	case s >= 4:
		return "MEDIUM"
	case s > 0:
		return "LOW"
	}
	return "NONE"
}
