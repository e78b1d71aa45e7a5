package aksmodel

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed versions.json
var calendarJSON []byte

// StaleAfter is how old the embedded calendar may be before a scan warns.
const StaleAfter = 90 * 24 * time.Hour

// Calendar is the AKS version calendar: when each Kubernetes minor is GA,
// when its community support and long-term support end, and which node
// OS images are retired.
type Calendar struct {
	// Date is when the data was compiled.
	Date    time.Time
	Sources []string
	Minors  []Minor
	OS      []RetiredOS
}

// Minor is one Kubernetes minor version in AKS.
type Minor struct {
	Version Version
	GA      time.Time
	// EndOfSupport ends community support; the minor is then in platform
	// support (no Kubernetes fixes) until PlatformEnd.
	EndOfSupport time.Time
	// PlatformEnd is the GA of minor+4; zero while that is not known.
	PlatformEnd time.Time
	// LTSEnd ends long-term support; zero for minors without LTS.
	LTSEnd time.Time
	// Projected marks dates extrapolated rather than published.
	Projected bool
}

// RetiredOS is a node OS that AKS no longer supports. An entry matches by
// osSKU (optionally only below a Kubernetes minor) or by the prefix of the
// pool's nodeImageVersion.
type RetiredOS struct {
	Name            string
	OSSKU           string
	BelowMinor      Version
	NodeImagePrefix string
	EndOfSupport    time.Time
	Note            string
}

type calendarFile struct {
	Date    string   `json:"date"`
	Sources []string `json:"sources"`
	Minors  []struct {
		Version      string `json:"version"`
		GA           string `json:"ga"`
		EndOfSupport string `json:"endOfSupport"`
		LTSEnd       string `json:"ltsEnd"`
		Projected    bool   `json:"projected"`
	} `json:"minors"`
	OS []struct {
		Name            string `json:"name"`
		OSSKU           string `json:"osSKU"`
		BelowMinor      string `json:"belowMinor"`
		NodeImagePrefix string `json:"nodeImagePrefix"`
		EndOfSupport    string `json:"endOfSupport"`
		Note            string `json:"note"`
	} `json:"retiredNodeOS"`
}

// EmbeddedCalendar returns the calendar compiled into the binary. It is
// shared: callers must not modify it.
var EmbeddedCalendar = sync.OnceValue(func() *Calendar {
	c, err := ParseCalendar(calendarJSON)
	if err != nil {
		panic("embedded versions.json: " + err.Error())
	}
	return c
})

// ParseCalendar reads a calendar in the layout of versions.json.
func ParseCalendar(data []byte) (*Calendar, error) {
	var f calendarFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	date := func(field, s string) (time.Time, error) {
		if s == "" {
			return time.Time{}, nil
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return t, fmt.Errorf("%s: %w", field, err)
		}
		return t, nil
	}
	c := &Calendar{Sources: f.Sources}
	var err error
	if c.Date, err = date("date", f.Date); err != nil {
		return nil, err
	}
	if c.Date.IsZero() {
		return nil, fmt.Errorf("date is required")
	}
	for _, m := range f.Minors {
		v, ok := ParseVersion(m.Version)
		if !ok {
			return nil, fmt.Errorf("minor %q: not a version", m.Version)
		}
		mm := Minor{Version: v, Projected: m.Projected}
		if mm.GA, err = date(m.Version+" ga", m.GA); err != nil {
			return nil, err
		}
		if mm.EndOfSupport, err = date(m.Version+" endOfSupport", m.EndOfSupport); err != nil {
			return nil, err
		}
		if mm.LTSEnd, err = date(m.Version+" ltsEnd", m.LTSEnd); err != nil {
			return nil, err
		}
		if mm.GA.IsZero() || mm.EndOfSupport.IsZero() {
			return nil, fmt.Errorf("minor %s: ga and endOfSupport are required", m.Version)
		}
		c.Minors = append(c.Minors, mm)
	}
	sort.Slice(c.Minors, func(i, j int) bool { return c.Minors[i].Version.Less(c.Minors[j].Version) })
	for i := range c.Minors {
		plus4 := c.Minors[i].Version
		plus4.Minor += 4
		if m, ok := c.minor(plus4); ok {
			c.Minors[i].PlatformEnd = m.GA
		}
	}
	for _, o := range f.OS {
		r := RetiredOS{Name: o.Name, OSSKU: o.OSSKU, NodeImagePrefix: o.NodeImagePrefix, Note: o.Note}
		if o.BelowMinor != "" {
			var ok bool
			if r.BelowMinor, ok = ParseVersion(o.BelowMinor); !ok {
				return nil, fmt.Errorf("retired OS %s: belowMinor %q is not a version", o.Name, o.BelowMinor)
			}
		}
		if r.EndOfSupport, err = date(o.Name+" endOfSupport", o.EndOfSupport); err != nil {
			return nil, err
		}
		if r.OSSKU == "" && r.NodeImagePrefix == "" {
			return nil, fmt.Errorf("retired OS %s: osSKU or nodeImagePrefix is required", o.Name)
		}
		c.OS = append(c.OS, r)
	}
	return c, nil
}

func (c *Calendar) minor(v Version) (Minor, bool) {
	for _, m := range c.Minors {
		if m.Version.Major == v.Major && m.Version.Minor == v.Minor {
			return m, true
		}
	}
	return Minor{}, false
}

// Stale reports whether the calendar is older than StaleAfter on day now.
func (c *Calendar) Stale(now time.Time) bool {
	return now.Sub(c.Date) > StaleAfter
}

// Version is a Kubernetes major.minor[.patch] version.
type Version struct {
	Major, Minor, Patch int
	// HasPatch is false for aliases like 1.30.
	HasPatch bool
}

// ParseVersion reads "1.30", "1.30.4" or "v1.30.4".
func ParseVersion(s string) (Version, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return Version{}, false
		}
		n[i] = v
	}
	return Version{Major: n[0], Minor: n[1], Patch: n[2], HasPatch: len(parts) == 3}, true
}

// Less compares major and minor only.
func (v Version) Less(o Version) bool {
	if v.Major != o.Major {
		return v.Major < o.Major
	}
	return v.Minor < o.Minor
}

// MinorString is "1.30".
func (v Version) MinorString() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// Support is the support state of a minor version on a day.
type Support int

const (
	// SupportUnknown: the minor is newer than the calendar knows.
	SupportUnknown Support = iota
	// SupportPreview: not yet GA.
	SupportPreview
	// SupportCommunity: within community support.
	SupportCommunity
	// SupportLTS: past community support, within long-term support, and
	// the cluster is on the LTS plan.
	SupportLTS
	// SupportPlatform: past support; platform support only, no
	// Kubernetes fixes.
	SupportPlatform
	// SupportNone: out of any support.
	SupportNone
)

func (s Support) String() string {
	return [...]string{"unknown", "preview", "supported", "long-term support", "platform support only", "unsupported"}[s]
}

// Supported reports whether the state still receives Kubernetes fixes.
func (s Support) Supported() bool {
	return s == SupportCommunity || s == SupportLTS || s == SupportPreview || s == SupportUnknown
}

// Status is a version's support state with the date it ends.
type Status struct {
	Support Support
	Minor   Minor
	// Ends is when the current support ends (community or LTS end); zero
	// when not applicable.
	Ends time.Time
	// Known is false for minors the calendar does not list.
	Known bool
}

// DaysLeft counts whole days from now to Ends.
func (s Status) DaysLeft(now time.Time) int {
	return int(s.Ends.Sub(now).Hours() / 24)
}

// Classify states the support of minor v on day now; lts says whether the
// cluster is on the long-term support plan (with the Premium tier).
func (c *Calendar) Classify(v Version, now time.Time, lts bool) Status {
	m, found := c.minor(v)
	if !found {
		if len(c.Minors) > 0 && v.Less(c.Minors[0].Version) {
			return Status{Support: SupportNone}
		}
		return Status{Support: SupportUnknown}
	}
	st := Status{Minor: m, Known: true}
	switch {
	case now.Before(m.GA):
		st.Support = SupportPreview
	case !now.After(m.EndOfSupport):
		st.Support, st.Ends = SupportCommunity, m.EndOfSupport
		// On the LTS plan, support runs to the LTS end.
		if lts && !m.LTSEnd.IsZero() {
			st.Ends = m.LTSEnd
		}
	case lts && !m.LTSEnd.IsZero() && !now.After(m.LTSEnd):
		st.Support, st.Ends = SupportLTS, m.LTSEnd
	case m.PlatformEnd.IsZero() || now.Before(m.PlatformEnd):
		st.Support = SupportPlatform
	default:
		st.Support = SupportNone
	}
	return st
}

// RetiredOS returns the retired OS a pool runs on day now, if any.
// osSKU, the pool's minor and its node image version may each be empty.
func (c *Calendar) RetiredOS(osSKU string, minor Version, hasMinor bool, nodeImage string, now time.Time) (RetiredOS, bool) {
	for _, o := range c.OS {
		if now.Before(o.EndOfSupport) {
			continue
		}
		switch {
		case o.NodeImagePrefix != "" && nodeImage != "" && strings.HasPrefix(strings.ToLower(nodeImage), strings.ToLower(o.NodeImagePrefix)):
			return o, true
		case o.OSSKU != "" && CanonicalOSSKU(o.OSSKU) == CanonicalOSSKU(osSKU):
			if o.BelowMinor != (Version{}) {
				// An inference from the version; the node image, when
				// known, says which OS release really runs.
				if nodeImage != "" || !hasMinor || !minor.Less(o.BelowMinor) {
					continue
				}
			}
			return o, true
		}
	}
	return RetiredOS{}, false
}

// osSKUAliases are the other spellings the AKS API accepts for an OS SKU:
// preview API versions and az (--os-sku Mariner) take "Mariner" for
// CBLMariner, both Azure Linux 2.0. The API compares SKUs
// case-insensitively.
var osSKUAliases = map[string]string{
	"mariner":    "cblmariner",
	"cblmariner": "cblmariner",
}

// CanonicalOSSKU is the one spelling of an OS SKU that all its accepted
// spellings share, lower case, for comparison.
func CanonicalOSSKU(s string) string {
	low := strings.ToLower(strings.TrimSpace(s))
	if c, ok := osSKUAliases[low]; ok {
		return c
	}
	return low
}
