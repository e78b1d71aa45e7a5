package check

import (
	"encoding/json"
	"fmt"
	"net/netip"

	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// DetectFunc judges one audit event and reports what it reveals. Like an
// EvalFunc it must not do I/O or keep state: what a detection needs to
// remember (the subjects seen reading Secrets) is kept by the caller and
// offered through the DetectContext.
type DetectFunc func(ctx *DetectContext, ev *audit.Event, r *Alerts)

// DetectContext is what a detection may read besides the event.
type DetectContext struct {
	// Judge decodes raw, an event's request or response object
	// (audit.Event.Decode: a pod being created), evaluates it with the
	// checks that judge one object alone, as the admission webhook does,
	// and returns their findings; an error when raw does not decode. Nil
	// when the caller evaluates no objects: detections that need it stay
	// quiet. The caller may answer from a cache of identical bodies (the
	// replicas of one ReplicaSet).
	Judge func(ev *audit.Event, raw json.RawMessage) ([]finding.Finding, error)
	// SecretReader reports whether user is a declared or learned reader
	// of Secrets in namespace.
	SecretReader func(user, namespace string) bool
	// AuthorizedIPRanges are the AKS API server's authorized IP ranges;
	// nil when no cluster configuration was given, empty when the
	// cluster allows every address.
	AuthorizedIPRanges []netip.Prefix
}

// Alert is what a detection says about one event.
type Alert struct {
	CheckID string
	Message string
}

// Alerts collects the alerts of one detection on one event.
type Alerts struct {
	check  *Check
	alerts []Alert
}

// NewAlerts starts a report for c; the detector calls it, and tests do.
func NewAlerts(c *Check) *Alerts { return &Alerts{check: c} }

// Reset makes the report ready for another detection, keeping storage.
func (r *Alerts) Reset(c *Check) { r.check, r.alerts = c, r.alerts[:0] }

// Fire reports that the event is what the detection looks for. The
// message says what happened and must not carry secret values.
func (r *Alerts) Fire(format string, args ...any) {
	r.alerts = append(r.alerts, Alert{CheckID: r.check.ID, Message: fmt.Sprintf(format, args...)})
}

// Alerts returns what was reported.
func (r *Alerts) Alerts() []Alert { return r.alerts }
