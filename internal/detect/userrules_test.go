package detect

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
