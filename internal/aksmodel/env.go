package aksmodel

import (
	"time"
)

// Env is the context of a run that Azure-side checks read: the date they
// judge support windows on, the version data, and thresholds from the
// policy. The scan builds one and shares it across objects; checks only
// read it.
type Env struct {
	// AsOf is the day versions and support windows are judged on.
	AsOf     time.Time
	Calendar *Calendar
	// Offered, when not nil, are the minors the cluster's region offers
	// (live scans ask ListKubernetesVersions), keyed by "1.30". It is
	// the authority on what is supported; the calendar still gives dates.
	Offered map[string]Offered
	// MinPrefixIPv4 and MinPrefixIPv6: authorized IP ranges with a
	// shorter prefix are too broad (AKS-102).
	MinPrefixIPv4, MinPrefixIPv6 int
	// NearEndDays: a version whose support ends within this many days is
	// reported (AKS-513).
	NearEndDays int
}

// Offered is one minor version a region offers.
type Offered struct {
	Preview bool
	// Plans are the support plans offered: KubernetesOfficial and/or
	// AKSLongTermSupport.
	Plans []string
}

// Defaults for Env thresholds.
const (
	// DefaultMinPrefixIPv4: ranges shorter than /16 (65,536 addresses,
	// more than any one organisation's egress needs) are too broad. A /24
	// default would flag many legitimate corporate ranges.
	DefaultMinPrefixIPv4 = 16
	// DefaultMinPrefixIPv6: /48 is a typical site allocation.
	DefaultMinPrefixIPv6 = 48
	// DefaultNearEndDays is the warning window before end of support.
	DefaultNearEndDays = 60
)

// DefaultEnv is the environment of a run on day asOf with the embedded
// calendar and default thresholds.
func DefaultEnv(asOf time.Time) *Env {
	return &Env{
		AsOf:          asOf,
		Calendar:      EmbeddedCalendar(),
		MinPrefixIPv4: DefaultMinPrefixIPv4,
		MinPrefixIPv6: DefaultMinPrefixIPv6,
		NearEndDays:   DefaultNearEndDays,
	}
}
