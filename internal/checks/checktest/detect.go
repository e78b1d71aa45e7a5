package checktest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/engine"
	"github.com/bulwark-sec/bulwark/internal/finding"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// Detect runs the detection with id on the audit event in line (one JSON
// line, read by the real reader) and returns its alerts. It records that
// the detection fired or stayed quiet, for Main.
func Detect(t testing.TB, id, line string, ctx *check.DetectContext) []check.Alert {
	t.Helper()
	c, ok := check.Lookup(id)
	if !ok || c.Detect == nil {
		t.Fatalf("detection %s is not registered", id)
	}
	if ctx == nil {
		ctx = &check.DetectContext{}
	}
	var out []check.Alert
	n := 0
	err := audit.Read(strings.NewReader(line), audit.DefaultLimits, func(ev *audit.Event, _ audit.Position) error {
		n++
		r := check.NewAlerts(c)
		c.Detect(ctx, ev, r)
		out = append(out, r.Alerts()...)
		return nil
	}, func(e *audit.Error) { t.Fatalf("test event does not read: %v", e) })
	if err != nil || n != 1 {
		t.Fatalf("want one test event, read %d (%v)", n, err)
	}
	mu.Lock()
	defer mu.Unlock()
	o := outcomes[c.ID]
	if o == nil {
		o = &outcome{}
		outcomes[c.ID] = o
	}
	if len(out) > 0 {
		o.fired = true
	} else {
		o.quiet = true
	}
	return out
}

// DetectContext is the context of a detection under test: Judge runs the
// registered checks that run at admission (the test package imports the
// check packages it needs), as bulwark detect does.
func DetectContext() *check.DetectContext {
	var checks []*check.Check
	for _, c := range check.All() {
		if c.RunsOn(check.Admission) {
			checks = append(checks, c)
		}
	}
	return &check.DetectContext{Judge: func(ev *audit.Event, raw json.RawMessage) ([]finding.Finding, error) {
		objs, err := ev.Decode(raw)
		if err != nil {
			return nil, err
		}
		return engine.Run(inventory.New(objs), checks, DefaultSettings(), engine.Options{Workers: 1}).Findings, nil
	}}
}
