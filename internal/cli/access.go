package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/analysis/netpol"
	"github.com/bulwark-sec/bulwark/internal/analysis/rbacmodel"
	"github.com/bulwark-sec/bulwark/internal/inventory"
	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/manifest"
)

func newExplain(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "explain",
		Short: "Explain what the scanned objects allow",
	}
	cmd.AddCommand(newExplainAccess(s))
	return cmd
}

func newExplainAccess(s *streams) *cobra.Command {
	var (
		groups      []string
		excludes    []string
		maxFileSize int64
		allowEmpty  bool
	)
	cmd := &cobra.Command{
		Use:   "access SUBJECT PATH...",
		Short: "Show what a user, group or ServiceAccount may do, and through which bindings",
		Long: `Show what a subject may do according to the RBAC objects in the manifests: its
effective rules per namespace, each with the binding → role → rule that grants it
(aggregated ClusterRoles and the built-in admin, edit and view roles included), the
dangerous rights among them, and the shortest chain of steps, if any, by which it can
become cluster-admin. For a ServiceAccount it also lists the workloads that run as it,
whether they mount its API token, and whether their NetworkPolicies let them reach the
API server.

SUBJECT is serviceaccount:NAMESPACE:NAME (or sa:NAMESPACE:NAME), user:NAME or
group:NAME. A ServiceAccount is also counted in its groups (system:serviceaccounts,
system:serviceaccounts:NAMESPACE, system:authenticated); a user in system:authenticated
and the groups given with --group, since identity-provider groups are not in manifests.

PATH is read like "scan manifests" reads it. If a file cannot be read the answer would
be incomplete: the problems are printed and nothing else (exit 2).`,
		Example: `  bulwark explain access serviceaccount:pets:default examples/insecure
  bulwark explain access user:alice@contoso.com --group 00000000-0000-0000-0000-0000000000c1 ./deploy
  kustomize build overlays/prod | bulwark explain access group:system:authenticated -`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			subj, err := rbacmodel.ParseSubject(args[0])
			if err != nil {
				return usageError("%v", err)
			}
			if maxFileSize <= 0 {
				return usageError("--max-file-size must be positive")
			}
			loaded, err := manifest.Load(context.Background(), args[1:], manifest.Options{Exclude: excludes, MaxFileSize: maxFileSize, Stdin: s.in, AllowEmpty: allowEmpty})
			if err != nil {
				return usageError("%v", err)
			}
			if len(loaded.Errors) > 0 {
				for _, e := range loaded.Errors {
					fmt.Fprintln(s.err, "bulwark:", render.OneLine(e.Error()))
				}
				return &exitError{code: report.ExitError}
			}
			inv := inventory.New(loaded.Objects)
			writeAccess(s.out, rbacmodel.For(inv).Access(subj, groups...), netpol.For(inv))
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&groups, "group", nil, "a group the subject is in besides those Kubernetes adds (e.g. an Entra ID group object id); repeatable")
	fs.StringArrayVar(&excludes, "exclude", nil, "skip files and directories matching this glob (** matches any depth); repeatable")
	fs.Int64Var(&maxFileSize, "max-file-size", manifest.DefaultMaxFileSize, "largest input file read, in bytes")
	fs.BoolVar(&allowEmpty, "allow-empty", false, "accept input that holds no Kubernetes object (default: exit 2, since there is nothing to explain)")
	return cmd
}

// writeAccess renders an access explanation as text. Every value it prints
// goes through say: names come from manifests.
func writeAccess(w io.Writer, a *rbacmodel.Access, np *netpol.Model) {
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
