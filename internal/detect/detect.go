package detect

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/policy"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
	"github.com/bulwark-sec/bulwark/internal/source/azure"
)

// Options configure a Detector.
type Options struct {
	// Scan carries the policy (exceptions, secret readers, checks.include
	// and exclude), --checks and the settings the object checks read.
	Scan scan.Options
	// Window is how long an alert of the same detection, actor, verb and
	// object is not repeated (event time).
	Window time.Duration
	// PerMinute is the most alerts per detection and actor in one minute
	// of event time; the rest are counted.
	PerMinute int
	// Learn is how long, from the first event (event time), the subjects
	// seen reading Secrets are learned as expected readers (DET-006).
	Learn time.Duration
	// AKS are files holding the AKS cluster's configuration (az aks show,
	// ARM JSON...): its authorized IP ranges feed DET-009.
	AKS []string
	// Rules are files of the user's own detections in CEL (see
	// userrules.go), checked when they load.
	Rules []string
}

// Defaults for Options.
const (
	DefaultWindow    = time.Minute
	DefaultPerMinute = 30
	// maxTable bounds the dedup, rate and learned tables: past it the
	// oldest entries are dropped, which can repeat an alert, never lose one.
	maxTable = 1 << 16
	// maxJudged bounds the cache of judged request bodies (a few MB).
	maxJudged = 1024
)

// Stats count what the detector did; every event and alert is in one of
// them.
type Stats struct {
	Events       int64 `json:"events"`
	Alerts       int64 `json:"alerts"`
	Deduplicated int64 `json:"deduplicated"`
	RateLimited  int64 `json:"rateLimited"`
	Excepted     int64 `json:"excepted"`
	Learned      int64 `json:"learnedReaders"`
	// Blocking are the alerts at or above the gate (--fail-on).
	Blocking int64 `json:"blocking"`
	// RuleErrors are evaluations of user rules that failed (a field the
	// event lacks, the cost limit): no alert, counted.
	RuleErrors int64 `json:"ruleErrors"`
}

// Detector runs detections on events. Event is safe for concurrent use.
type Detector struct {
	checks []*check.Check
	ctx    check.DetectContext
	policy *policy.Policy
	now    func() time.Time
	opt    Options

	mu      sync.Mutex
	stats   Stats
	first   time.Time
	dedup   map[string]time.Time
	rate    map[string]*bucket
	learned map[[2]string]bool
	judged  map[string][]finding.Finding
	alerts  check.Alerts
	user    []userRule
	// userObjects: some user rule reads the request or response object.
	userObjects bool
}

type bucket struct {
	minute int64
	n      int
}

// New plans the detections opt selects (a check that is not a detection
// is a usage error, as a detection is for a scan) and prepares their
// context.
func New(ctx context.Context, opt Options) (*Detector, error) {
	svc, err := scan.NewService(opt.Scan, "detect", check.Audit)
	if err != nil {
		return nil, err
	}
	if len(svc.Checks()) == 0 {
		return nil, &scan.UsageError{Err: fmt.Errorf("no detection selected")}
	}
	// The object checks DET-003 reuses: every check that judges one object
	// alone, as at admission, whatever --checks selected for detections.
	judgeOpt := scan.Options{Settings: opt.Scan.Settings}
	adm, err := scan.NewService(judgeOpt, "detect", check.Admission)
	if err != nil {
		return nil, err
	}
	if opt.Window <= 0 {
		opt.Window = DefaultWindow
	}
	if opt.PerMinute <= 0 {
		opt.PerMinute = DefaultPerMinute
	}
	d := &Detector{checks: svc.Checks(), policy: opt.Scan.Policy, opt: opt, now: time.Now,
		dedup: map[string]time.Time{}, rate: map[string]*bucket{}, learned: map[[2]string]bool{}, judged: map[string][]finding.Finding{}}
	if !opt.Scan.Now.IsZero() {
		d.now = func() time.Time { return opt.Scan.Now }
	}
	settings := opt.Scan.Settings
	admChecks := adm.Checks()
	d.ctx.Judge = func(ev *audit.Event, raw json.RawMessage) ([]finding.Finding, error) {
		// The replicas of one ReplicaSet are created with the same body
		// (generateName, one template): judge each body once.
		if fs, ok := d.judged[string(raw)]; ok {
			return fs, nil
		}
		objs, err := ev.Decode(raw)
		if err != nil {
			return nil, err
		}
		fs := engine.Run(inventory.New(objs), admChecks, &settings, engine.Options{Workers: 1}).Findings
		if len(d.judged) >= maxJudged {
			clear(d.judged)
		}
		d.judged[string(raw)] = fs
		return fs, nil
	}
	d.ctx.SecretReader = d.secretReader
	for _, f := range opt.Rules {
		rules, err := loadUserRules(f)
		if err != nil {
			return nil, &scan.UsageError{Err: err}
		}
		d.user = append(d.user, rules...)
	}
	for _, u := range d.user {
		d.userObjects = d.userObjects || u.objects
	}
	if err := d.checkUserRuleRefs(); err != nil {
		return nil, err
	}
	if len(opt.AKS) > 0 {
		ranges, err := authorizedRanges(ctx, opt.AKS)
		if err != nil {
			return nil, err
		}
		d.ctx.AuthorizedIPRanges = ranges
	}
	return d, nil
}

// checkUserRuleRefs: an exception that names a user rule the --rules
// files do not declare is a usage error, as an unknown catalog id is
// when the policy loads.
func (d *Detector) checkUserRuleRefs() error {
	if d.policy == nil {
		return nil
	}
	for _, ref := range d.policy.UserRuleRefs() {
		if !slices.ContainsFunc(d.user, func(u userRule) bool { return strings.EqualFold(u.check.ID, ref.ID) }) {
			return &scan.UsageError{Err: fmt.Errorf("%s:%d: %s: unknown user rule %q (not declared in the --rules files)", d.policy.Source, ref.Line, ref.Field, ref.ID)}
		}
	}
	return nil
}

// Checks are the detections the detector runs.
func (d *Detector) Checks() []*check.Check { return d.checks }

// FailOn names the gate: the lowest severity that fails the run, or none.
func (d *Detector) FailOn() string {
	if d.opt.Scan.Gate.Never {
		return "none"
	}
	return scan.ReportSeverity(d.opt.Scan.Gate.FailOn).String()
}

// Rules describe the detections the detector runs, the user's rules
// after the catalog's, as a report lists checks.
func (d *Detector) Rules() []report.Check {
	cs := slices.Clone(d.checks)
	for i := range d.user {
		cs = append(cs, d.user[i].check)
	}
	return scan.ReportChecks(cs)
}

// Stats returns the counts so far.
func (d *Detector) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// authorizedRanges reads the clusters in files through the AKS source and
// returns their authorized IP ranges; one cluster exactly.
func authorizedRanges(ctx context.Context, files []string) ([]netip.Prefix, error) {
	res, err := azure.Load(ctx, files, azure.Options{})
	if err != nil {
		return nil, &scan.UsageError{Err: fmt.Errorf("--aks: %w", err)}
	}
	if len(res.Errors) > 0 {
		return nil, &scan.UsageError{Err: fmt.Errorf("--aks: %s: %s", res.Errors[0].File, res.Errors[0].Msg)}
	}
	var clusters []*aksmodel.Cluster
	for _, o := range res.Objects {
		if c, ok := o.Typed.(*aksmodel.Cluster); ok {
			clusters = append(clusters, c)
		}
	}
	if len(clusters) != 1 {
		return nil, &scan.UsageError{Err: fmt.Errorf("--aks: want the configuration of one AKS cluster, found %d", len(clusters))}
	}
	ranges := []netip.Prefix{}
	if a := clusters[0].P().APIServerAccessProfile; a != nil {
		for _, r := range a.AuthorizedIPRanges {
			if r == nil {
				continue
			}
			p, err := netip.ParsePrefix(*r)
			if err != nil {
				a, aerr := netip.ParseAddr(*r)
				if aerr != nil {
					return nil, &scan.UsageError{Err: fmt.Errorf("--aks: authorized IP range %q is neither a CIDR nor an address", *r)}
				}
				p = netip.PrefixFrom(a, a.BitLen())
			}
			ranges = append(ranges, p.Masked())
		}
	}
	return ranges, nil
}

// secretReader is the DetectContext's: declared in the policy, or learned.
func (d *Detector) secretReader(user, namespace string) bool {
	if d.policy != nil {
		for i := range d.policy.Detections.SecretReaders {
			if d.policy.Detections.SecretReaders[i].Reads(user, namespace) {
				return true
			}
		}
	}
	return d.learned[[2]string{user, namespace}]
}

// eventTime is when the request was decided, for windows and learning.
func eventTime(ev *audit.Event) time.Time {
	if !ev.StageTimestamp.IsZero() {
		return ev.StageTimestamp
	}
	return ev.RequestReceivedTimestamp
}

// Event runs every detection on ev and returns the alerts to emit; where
// says where it was read (file:line, webhook).
func (d *Detector) Event(ev *audit.Event, where string) []report.Alert {
	return d.event(ev, func() string { return where })
}

// event is Event with where computed only for an alert: naming the
// position of every event read cost more than some detections.
func (d *Detector) event(ev *audit.Event, where func() string) []report.Alert {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.stats.Events++
	t := eventTime(ev)
	if d.first.IsZero() {
		d.first = t
	}
	d.learn(ev, t)
	var out []report.Alert
	for _, c := range d.checks {
		d.alerts.Reset(c)
		c.Detect(&d.ctx, ev, &d.alerts)
		for _, a := range d.alerts.Alerts() {
			if al, ok := d.decide(c, a, ev, t, where); ok {
				out = append(out, al)
			}
		}
	}
	if len(d.user) > 0 && ev.Final() {
		var vars map[string]any
		for i := range d.user {
			u := &d.user[i]
			// An event the rule's verb or resource condition excludes is
			// no match (false && anything is false in CEL): not built
			// into a map, not evaluated.
			if !u.pre.admits(ev) {
				continue
			}
			if vars == nil {
				var err error
				if vars, err = eventMap(ev, d.userObjects); err != nil {
					d.stats.RuleErrors++
					return out
				}
			}
			ok, err := u.matches(vars)
			if err != nil {
				d.stats.RuleErrors++
				continue
			}
			if ok {
				a := check.Alert{CheckID: u.check.ID, Message: fmt.Sprintf("%s: %s ran %s on %s", u.check.Title, ev.Actor().Username, ev.Verb, ev.Object())}
				if al, ok := d.decide(u.check, a, ev, t, where); ok {
					out = append(out, al)
				}
			}
		}
	}
	return out
}

// learn records a Secret read as expected while learning.
func (d *Detector) learn(ev *audit.Event, t time.Time) {
	if d.opt.Learn <= 0 || t.Sub(d.first) >= d.opt.Learn || !ev.Final() || !ev.Is("", "secrets", "") || !ev.VerbIn("get", "list", "watch") {
		return
	}
	k := [2]string{ev.Actor().Username, ev.ObjectRef.Namespace}
	if d.learned[k] || len(d.learned) >= maxTable {
		return // a full table learns no more: later reads alert
	}
	d.learned[k] = true
	d.stats.Learned++
}

// decide applies exceptions, dedup and the rate limit to one alert.
func (d *Detector) decide(c *check.Check, a check.Alert, ev *audit.Event, t time.Time, where func() string) (report.Alert, bool) {
	actor := ev.Actor()
	var resource, ns, name string
	if r := ev.ObjectRef; r != nil {
		resource, ns, name = r.Resource, r.Namespace, r.Name
	}
	if d.excepted(c.ID, actor.Username, resource, ns, name) {
		d.stats.Excepted++
		return report.Alert{}, false
	}
	key := c.ID + "\x00" + actor.Username + "\x00" + ev.Verb + "\x00" + ev.Object()
	if last, ok := d.dedup[key]; ok && t.Sub(last) < d.opt.Window && t.Sub(last) >= 0 {
		d.stats.Deduplicated++
		return report.Alert{}, false
	}
	if len(d.dedup) >= maxTable {
		for k, v := range d.dedup {
			if t.Sub(v) >= d.opt.Window {
				delete(d.dedup, k)
			}
		}
		if len(d.dedup) >= maxTable {
			clear(d.dedup)
		}
	}
	d.dedup[key] = t
	rk := c.ID + "\x00" + actor.Username
	minute := t.Unix() / 60
	b := d.rate[rk]
	if b == nil {
		if len(d.rate) >= maxTable {
			clear(d.rate)
		}
		b = &bucket{minute: minute}
		d.rate[rk] = b
	}
	if b.minute != minute {
		b.minute, b.n = minute, 0
	}
	if b.n >= d.opt.PerMinute {
		d.stats.RateLimited++
		return report.Alert{}, false
	}
	b.n++
	d.stats.Alerts++
	if sev := d.severity(c); !d.opt.Scan.Gate.Never && sev >= d.opt.Scan.Gate.FailOn {
		d.stats.Blocking++
	}
	al := report.Alert{
		Rule: c.ID, Title: c.Title, Severity: scan.ReportSeverity(d.severity(c)), Message: a.Message,
		Actor: actor.Username, Groups: slices.Clone(actor.Groups), Verb: ev.Verb, Object: ev.Object(), Namespace: ns,
		// The reader reuses the event's storage for the next one: the
		// alert outlives it.
		SourceIPs: slices.Clone(ev.SourceIPs), UserAgent: ev.UserAgent, AuditID: ev.AuditID,
		Time: t.UTC().Format(time.RFC3339Nano), Source: where(), Controls: report.Controls(c.Controls),
	}
	if actor != &ev.User {
		al.Impersonator = ev.User.Username
	}
	if al.SourceIPs == nil {
		al.SourceIPs = []string{}
	}
	return al, true
}

func (d *Detector) severity(c *check.Check) finding.Severity {
	if d.policy == nil {
		return c.Severity
	}
	return d.policy.Severity(c.ID, c.Severity)
}

// excepted reports whether an exception in force waives the alert.
func (d *Detector) excepted(id, actor, resource, ns, name string) bool {
	if d.policy == nil {
		return false
	}
	today := d.now()
	for i := range d.policy.Exceptions {
		e := &d.policy.Exceptions[i]
		if e.Expires.AddDate(0, 0, 1).Before(today) {
			continue // an expired exception waives nothing
		}
		if e.CoversAlert(id, actor, resource, ns, name) {
			return true
		}
	}
	return false
}
