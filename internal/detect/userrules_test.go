package detect

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/bulwark-sec/bulwark/internal/policy"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

func writeRules(t testing.TB, doc string) string {
	f := filepath.Join(t.TempDir(), "rules.yaml")
	if err := os.WriteFile(f, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestUserRules(t *testing.T) {
	f := writeRules(t, `rules:
- name: delete-namespace
  title: Namespace deleted
  severity: high
  expression: event.verb == "delete" && event.objectRef.resource == "namespaces"
- name: exec-subresource
  title: Exec by subresource
  severity: low
  expression: event.objectRef.subresource == "exec"
`)
	alerts, st, _ := run(t, Options{Rules: []string{f}},
		line(0, "delete", "namespaces", "", "", "shop", "alice"),
		line(1, "get", "namespaces", "", "", "shop", "alice"),
	)
	var got []string
	for _, a := range alerts {
		got = append(got, a.Rule+" "+a.Message)
	}
	// The second rule reads a field these events lack: an error, counted.
	if strings.Join(got, "; ") != "user:delete-namespace Namespace deleted: alice ran delete on namespaces shop" || st.RuleErrors != 2 {
		t.Errorf("alerts %v stats %+v", got, st)
	}
}

func TestUserRulesInvalid(t *testing.T) {
	for name, tc := range map[string]struct{ doc, want string }{
		"syntax":   {"rules:\n- name: a\n  title: A\n  severity: high\n  expression: event.verb ==\n", ":2: rule \"a\": expression:"},
		"not bool": {"rules:\n- name: a\n  title: A\n  severity: high\n  expression: event.verb\n", "want a bool"},
		"severity": {"rules:\n- name: a\n  title: A\n  severity: huge\n  expression: 'true'\n", ":2: rule \"a\": severity"},
		"second":   {"rules:\n- name: a\n  title: A\n  severity: high\n  expression: 'true'\n- name: a\n  title: B\n  severity: high\n  expression: 'true'\n", ":6: rule \"a\": name must be unique"},
		"field":    {"rules:\n- name: a\n  title: A\n  severity: high\n  expresion: 'true'\n", "field expresion not found"},
		"empty":    {"rules: []\n", "no rules"},
	} {
		_, err := New(t.Context(), Options{Rules: []string{writeRules(t, tc.doc)}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

// FuzzUserRules: any rules file loads or fails with a message, never
// panics.
func FuzzUserRules(f *testing.F) {
	f.Add("rules:\n- name: a\n  title: A\n  severity: high\n  expression: event.verb == 'x'\n")
	f.Add("rules:\n- {name: b, title: B, severity: low, expression: 'size(event) > 1'}\n")
	f.Fuzz(func(t *testing.T, doc string) {
		if len(doc) > 4096 {
			return
		}
		rules, err := loadUserRules(writeRules(t, doc))
		if err == nil && len(rules) == 0 {
			t.Fatal("no rules and no error")
		}
	})
}

// The policy's exceptions name user rules as they name DET ids, by
// actor, namespace and expiry; one that names a rule the --rules files do
// not declare is a usage error at start-up.
func TestUserRuleExceptions(t *testing.T) {
	f := writeRules(t, `rules:
- name: delete-namespace
  title: Namespace deleted
  severity: high
  expression: event.verb == "delete" && event.objectRef.resource == "namespaces"
`)
	pol, err := policy.Parse("bulwark.yaml", []byte(`apiVersion: bulwark.dev/v1alpha1
kind: Policy
exceptions:
- checks: [user:delete-namespace]
  resources: {actor: "ci-*"}
  reason: the CI tears down its namespaces
  owner: platform
  expires: 2026-12-31
- checks: [user:delete-namespace]
  resources: {actor: bob}
  reason: expired
  owner: platform
  expires: 2026-01-01
`))
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Rules: []string{f}, Scan: scan.Options{Policy: pol, Now: t0}}
	alerts, st, _ := run(t, opt,
		line(0, "delete", "namespaces", "", "", "pr-1", "ci-bot"),
		line(1, "delete", "namespaces", "", "", "shop", "bob"),
		line(2, "delete", "namespaces", "", "", "prod", "alice"),
	)
	var got []string
	for _, a := range alerts {
		got = append(got, a.Rule+" "+a.Actor)
	}
	if strings.Join(got, ", ") != "user:delete-namespace bob, user:delete-namespace alice" || st.Excepted != 1 {
		t.Errorf("alerts %v stats %+v", got, st)
	}

	// Without the rules file the exception names nothing: refused, located.
	_, err = New(context.Background(), Options{Scan: scan.Options{Policy: pol}})
	var usage *scan.UsageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), `bulwark.yaml:4: exceptions[0].checks: unknown user rule "user:delete-namespace"`) {
		t.Errorf("exception naming an undeclared rule: %v", err)
	}
	// The policy file itself refuses ids that are neither.
	if _, err := policy.Parse("bulwark.yaml", []byte(`apiVersion: bulwark.dev/v1alpha1
kind: Policy
exceptions:
- checks: [user:Bad_Name, DET-999]
  reason: x
  owner: y
  expires: 2026-12-31
`)); err == nil || !strings.Contains(err.Error(), `unknown check id "user:Bad_Name"`) || !strings.Contains(err.Error(), `unknown check id "DET-999"`) {
		t.Errorf("bad ids: %v", err)
	}
}

// CEL sees the event as its JSON decoded into a map: eventMap builds
// that map without the round trip, and must build the same one.
func TestEventMapIsTheEventsJSON(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(realShaped(20))), "\n")
	lines = append(lines, `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"x","stage":"ResponseComplete","verb":"create",`+
		`"user":{"username":"","uid":"u","groups":[],"extra":{"a":["b"],"c":null,"d":[]}},"impersonatedUser":{"username":"bob"},"sourceIPs":[],`+
		`"objectRef":{"resource":"pods","subresource":"exec"},"responseStatus":{"code":0,"reason":"r"},"requestObject":{"a":[1,"b",null,{"c":true}]},"responseObject":null,`+
		`"requestReceivedTimestamp":"2026-12-07T10:00:00.5+01:00","annotations":{"k":""}}`)
	for i, l := range lines {
		var ev audit.Event
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(&ev)
		if err != nil {
			t.Fatal(err)
		}
		var want map[string]any
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		got, err := eventMap(&ev, true)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("event %d (%v):\n got %#v\nwant %#v", i, err, got, want)
		}
	}
}
