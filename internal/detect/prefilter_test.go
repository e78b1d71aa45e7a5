package detect

import (
	"fmt"
	"testing"

	"github.com/google/cel-go/cel"
)

func TestPrefilterOf(t *testing.T) {
	env, err := cel.NewEnv(cel.Variable("event", cel.MapType(cel.StringType, cel.DynType)))
	if err != nil {
		t.Fatal(err)
	}
	for expr, want := range map[string]string{
		`event.verb == "delete" && event.objectRef.resource == "namespaces"`: `[delete] [namespaces]`,
		`"delete" == event.verb`: `[delete] []`,
		`event.verb in ["update", "patch"] && event.objectRef.namespace == "kube-system"`:       `[update patch] []`,
		`event.verb == "delete" || event.objectRef.resource == "namespaces"`:                    `[] []`,
		`event.verb == "a" && event.verb in ["a", "b"]`:                                         `[a] []`,
		`event.verb == "a" && event.verb == "b"`:                                                `[] []`, // nothing admitted: see below
		`!(event.verb == "delete")`:                                                             `[] []`,
		`event.verb in ["get", event.user.username]`:                                            `[] []`,
		`event.objectRef.resource == "pods" && event.requestObject.spec.hostPID == true`:        `[] [pods]`,
		`has(event.objectRef) && event["objectRef"]["resource"] == "pods" && event.verb != "x"`: `[] []`,
	} {
		a, iss := env.Compile(expr)
		if iss.Err() != nil {
			t.Fatal(iss.Err())
		}
		p := prefilterOf(a)
		if got := fmt.Sprint(p.verbs, p.resources); got != want {
			t.Errorf("%s: %s, want %s", expr, got, want)
		}
	}
}

// A rule fires on what its conditions admit and only there: the
// prefilter skips the rest without changing what matches.
func TestPrefilteredRule(t *testing.T) {
	f := writeRules(t, `rules:
- name: configmap-write
  title: ConfigMap written in kube-system
  severity: medium
  expression: event.verb in ["update", "patch"] && event.objectRef.resource == "configmaps" && event.objectRef.namespace == "kube-system"
- name: never
  title: Contradiction
  severity: low
  expression: event.verb == "get" && event.verb == "list"
`)
	alerts, st, _ := run(t, Options{Rules: []string{f}},
		line(0, "patch", "configmaps", "", "kube-system", "coredns", "alice"),
		line(1, "get", "configmaps", "", "kube-system", "coredns", "alice"),
		line(2, "patch", "secrets", "", "kube-system", "x", "alice"),
		line(3, "patch", "configmaps", "", "shop", "x", "alice"),
	)
	if len(alerts) != 1 || alerts[0].Rule != "user:configmap-write" || alerts[0].Object != "configmaps kube-system/coredns" || st.RuleErrors != 0 {
		t.Errorf("alerts %+v stats %+v", alerts, st)
	}
}
