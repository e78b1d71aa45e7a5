package scan

import (
	"fmt"
	"io"
	"strings"

	"github.com/bulwark-sec/bulwark/internal/analysis/netpol"
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/render"
)

// WriteText writes the explanation as `bulwark explain access` prints it.
// It lives with the models it reads (the renderers see only the report).
// Every value it prints goes through say: names come from manifests.
func (e *AccessExplanation) WriteText(w io.Writer) {
	a, np := e.Access, e.Network
	say(w, "%s\n", a.Subject)
	if u := a.Subject.UserName(); u != "" && u != a.Subject.Name {
		say(w, "  authenticates as %s\n", u)
	}
	if len(a.Groups) > 0 {
		say(w, "  counted in groups: %s\n", strings.Join(a.Groups, ", "))
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Effective rules")
	if len(a.Scopes) == 0 {
		fmt.Fprintln(w, "  none: no binding in the scanned objects applies to it")
	}
	for _, sc := range a.Scopes {
		say(w, "  %s\n", capitalize(sc.Scope.String()))
		var last *rbacmodel.Binding
		lastSubject := -1
		for _, g := range sc.Grants {
			if g.Binding != last || g.Subject != lastSubject {
				last, lastSubject = g.Binding, g.Subject
				say(w, "    %s → %s (as %s)\n", g.Binding.Ref(), g.Binding.Role.Ref(), g.Binding.Subject(g.Subject))
			}
			from := ""
			if g.Rule.Role != g.Binding.Role {
				from = "aggregated " + g.Rule.Role.Ref() + " "
			}
			note := ""
			if !sc.Scope.Cluster && rbacmodel.OnlyClusterScoped(g.Rule.Rule) {
				note = "  (cluster-scoped: a RoleBinding grants none of it)"
			}
			say(w, "      %s%s%s\n", from, g.Rule, note)
		}
	}
	for _, b := range a.Missing {
		say(w, "  %s → %s: the role is not in the scanned objects; its rules are unknown\n", b.Ref(), b.RoleRefString())
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Dangerous rights")
	if len(a.Risks) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, r := range a.Risks {
		say(w, "  %s %s (as %s)\n", r.Risk, r.Binding.Scope(), r.Via)
		for _, g := range r.Grants {
			say(w, "    %s\n", g.Path())
		}
		if r.Companion != nil && r.Companion.Rule != r.Grants[0].Rule {
			say(w, "    with %s\n", r.Companion.Path())
		}
	}

	fmt.Fprintln(w)
	fmt.Fprintln(w, "Escalation to cluster-admin")
	if a.Escalation == nil {
		fmt.Fprintln(w, "  none found in the scanned objects")
	}
	for i, st := range a.Escalation {
		say(w, "  %d. %s\n", i+1, st)
	}

	if a.Subject.Kind != "ServiceAccount" {
		return
	}
	fmt.Fprintln(w)
	say(w, "Workloads running as %s\n", a.Subject)
	if len(a.Workloads) == 0 {
		fmt.Fprintln(w, "  none in the scanned objects")
	}
	for _, wl := range a.Workloads {
		token := "no API token mounted"
		if wl.TokenMounted {
			token = "API token mounted"
		}
		api := "not a pod NetworkPolicies apply to"
		if p, ok := np.PodOf(wl.Object); ok {
			rep := np.Report(p)
			switch {
			case p.HostNetwork:
				api = "API server reachable: yes (host network)"
			case rep.APIServerBy != nil:
				api = fmt.Sprintf("API server reachable: %s (%s)", rep.APIServer, rep.APIServerBy)
			case rep.APIServer == netpol.ReachYes:
				api = "API server reachable: yes (egress not isolated)"
			default:
				api = "API server reachable: " + rep.APIServer.String()
			}
		}
		say(w, "  %s %s  %s  %s; %s\n", wl.Object.Kind, nsNameOf(wl.Namespace, wl.Object.Meta.Name), wl.Object.Loc, token, api)
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func nsNameOf(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}

// say writes a line of the explanation with each value made safe as the
// table makes it (render.OneLine): object names, file names and subjects
// come from manifests, and must neither drive the terminal nor break a
// line to forge one.
func say(w io.Writer, format string, args ...any) {
	for i, a := range args {
		if _, isInt := a.(int); !isInt {
			args[i] = render.OneLine(fmt.Sprint(a))
		}
	}
	fmt.Fprintf(w, format, args...)
}
