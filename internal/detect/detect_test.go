package detect

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/policy"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

var t0 = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

// line is an allowed final event at t0+sec.
func line(sec int, verb, resource, sub, ns, name, user string) string {
	ev := audit.Event{Kind: "Event", APIVersion: audit.APIVersion, AuditID: "id-" + user + "-" + string(rune('a'+sec%26)), Stage: "ResponseComplete",
		Verb: verb, User: audit.UserInfo{Username: user}, SourceIPs: []string{"10.0.0.1"},
		ObjectRef:      &audit.ObjectReference{Resource: resource, Subresource: sub, Namespace: ns, Name: name},
		ResponseStatus: &audit.Status{Code: 200}, StageTimestamp: t0.Add(time.Duration(sec) * time.Second)}
	b, _ := json.Marshal(ev)
	return string(b)
}

func run(t *testing.T, opt Options, lines ...string) ([]report.Alert, Stats, []report.InputError) {
	t.Helper()
	d, err := New(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	var alerts []report.Alert
	var bad []report.InputError
	_, err = d.Files(context.Background(), []string{"-"}, strings.NewReader(strings.Join(lines, "\n")),
		func(a report.Alert, _ report.Location) error { alerts = append(alerts, a); return nil },
		func(e report.InputError) { bad = append(bad, e) })
	if err != nil {
		t.Fatal(err)
	}
	return alerts, d.Stats(), bad
}

func TestDedupAndRateLimit(t *testing.T) {
	lines := []string{
		line(0, "create", "pods", "exec", "shop", "web", "alice"),
		line(10, "create", "pods", "exec", "shop", "web", "alice"), // same within the window
		line(70, "create", "pods", "exec", "shop", "web", "alice"), // window passed
	}
	for i := range 5 { // five pods within one minute: two pass the limit
		lines = append(lines, line(121+i, "create", "pods", "exec", "shop", "pod"+string(rune('a'+i)), "bob"))
	}
	alerts, st, bad := run(t, Options{PerMinute: 2}, lines...)
	if len(bad) != 0 || len(alerts) != 4 || st.Deduplicated != 1 || st.RateLimited != 3 || st.Alerts != 4 || st.Events != 8 {
		t.Fatalf("alerts %d stats %+v bad %v", len(alerts), st, bad)
	}
	a := alerts[0]
	if a.Rule != "DET-001" || a.Actor != "alice" || a.Object != "pods/exec shop/web" || a.Source != "stdin:line 1" || a.SourceIPs[0] != "10.0.0.1" || a.Time != "2026-12-07T10:00:00Z" || len(a.Controls.MITRE) == 0 {
		t.Errorf("alert %+v", a)
	}
}

func TestExceptionsAndReaders(t *testing.T) {
	pol, err := policy.Parse("bulwark.yaml", []byte(`apiVersion: bulwark.dev/v1alpha1
kind: Policy
detections:
  secretReaders:
  - user: system:serviceaccount:shop:api
    namespaces: [shop]
exceptions:
- checks: [DET-001]
  resources: {actor: "oncall-*", namespace: shop}
  reason: on-call debugging
  owner: sre
  expires: 2026-12-31
- checks: [DET-001]
  resources: {actor: bob}
  reason: expired
  owner: sre
  expires: 2026-01-01
`))
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Scan: scan.Options{Policy: pol, Now: t0}}
	alerts, st, _ := run(t, opt,
		line(0, "create", "pods", "exec", "shop", "web", "oncall-ann"),
		line(1, "create", "pods", "exec", "shop", "web", "bob"),
		line(2, "list", "secrets", "", "shop", "", "system:serviceaccount:shop:api"),
		line(3, "list", "secrets", "", "shop", "", "system:serviceaccount:shop:web"),
	)
	var got []string
	for _, a := range alerts {
		got = append(got, a.Rule+" "+a.Actor)
	}
	if strings.Join(got, ", ") != "DET-001 bob, DET-006 system:serviceaccount:shop:web" || st.Excepted != 1 {
		t.Errorf("alerts %v stats %+v", got, st)
	}
}

func TestLearn(t *testing.T) {
	alerts, st, _ := run(t, Options{Learn: time.Minute},
		line(0, "get", "secrets", "", "shop", "db", "system:serviceaccount:shop:api"),
		line(120, "get", "secrets", "", "shop", "db", "system:serviceaccount:shop:api"),
		line(121, "get", "secrets", "", "shop", "db", "system:serviceaccount:shop:web"),
	)
	if len(alerts) != 1 || alerts[0].Actor != "system:serviceaccount:shop:web" || st.Learned != 1 {
		t.Errorf("alerts %+v stats %+v", alerts, st)
	}
}

// A check is a detection or not: the planner refuses each on the other's
// command.
func TestSelection(t *testing.T) {
	k, _ := check.Lookup("K8S-001")
	_, err := New(context.Background(), Options{Scan: scan.Options{Checks: []*check.Check{k}}})
	var sel *scan.SelectionError
	if !errors.As(err, &sel) || !strings.Contains(err.Error(), "K8S-001 cannot run on detect") {
		t.Errorf("K8S-001 on detect: %v", err)
	}
	det, _ := check.Lookup("DET-001")
	_, err = scan.NewService(scan.Options{Checks: []*check.Check{det}}, "scan manifests", check.Manifests)
	if !errors.As(err, &sel) || !strings.Contains(err.Error(), "it runs with bulwark detect") {
		t.Errorf("DET-001 on scan: %v", err)
	}
}

func TestInputProblems(t *testing.T) {
	_, st, bad := run(t, Options{}, "{", line(0, "get", "pods", "", "shop", "web", "alice"))
	if len(bad) != 1 || bad[0].File != "stdin" || bad[0].Line != 1 || st.Events != 1 {
		t.Errorf("bad %v stats %+v", bad, st)
	}
}
