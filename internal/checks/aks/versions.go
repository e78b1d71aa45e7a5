package aks

import (
	"fmt"
	"slices"
	"time"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
)

// verdict is the support of one Kubernetes version on the scan's day.
type verdict struct {
	version aksmodel.Version
	status  aksmodel.Status
	// offered is set when the region's offered versions are known (live
	// scans): whether this minor is among them.
	offered, offerKnown bool
	// lts: the cluster is on the long-term support plan.
	lts bool
}

// judge classifies version s for cluster c. ok is false when the version
// cannot be judged: no environment, or not a version.
func judge(c *aksmodel.Cluster, s string) (verdict, bool) {
	if c.Env == nil || c.Env.Calendar == nil || s == "" {
		return verdict{}, false
	}
	v, ok := aksmodel.ParseVersion(s)
	if !ok {
		return verdict{}, false
	}
	vd := verdict{version: v, lts: c.SupportPlanLTS(), status: c.Env.Calendar.Classify(v, c.Env.AsOf, c.SupportPlanLTS())}
	if c.Env.Offered != nil {
		o, found := c.Env.Offered[v.MinorString()]
		plan := "KubernetesOfficial"
		if c.SupportPlanLTS() {
			plan = "AKSLongTermSupport"
		}
		vd.offerKnown = true
		vd.offered = found && (len(o.Plans) == 0 || slices.Contains(o.Plans, plan))
	}
	return vd, true
}

// supported says whether the version still gets Kubernetes fixes: the
// region's offer when known, else the calendar.
func (vd verdict) supported() bool {
	if vd.offerKnown {
		return vd.offered
	}
	return vd.status.Support.Supported()
}

// why explains an unsupported verdict.
func (vd verdict) why() string {
	m := vd.status.Minor
	var s string
	switch vd.status.Support {
	case aksmodel.SupportPlatform:
		s = fmt.Sprintf("community support ended %s; platform support only, no Kubernetes security fixes", date(m.EndOfSupport))
	case aksmodel.SupportNone:
		switch {
		case !vd.status.Known:
			s = "older than every version AKS supports"
		case vd.lts && !m.LTSEnd.IsZero():
			s = fmt.Sprintf("long-term support ended %s", date(m.LTSEnd))
		case !m.PlatformEnd.IsZero():
			s = fmt.Sprintf("community support ended %s and platform support %s", date(m.EndOfSupport), date(m.PlatformEnd))
		default:
			s = fmt.Sprintf("out of support since %s", date(m.EndOfSupport))
		}
	default:
		s = "supported according to the calendar"
	}
	if vd.offerKnown && !vd.offered {
		s = "not offered by the cluster's region any more (" + s + ")"
	}
	return s + projected(m)
}

func projected(m aksmodel.Minor) string {
	if m.Projected {
		return " (calendar date projected, not yet published)"
	}
	return ""
}

func date(t time.Time) string { return t.Format(time.DateOnly) }

func itoa(n int) string { return fmt.Sprint(n) }
