package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
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
			exp, problems, err := scan.ExplainAccess(context.Background(), scan.AccessRequest{
				Subject: args[0], Groups: groups, Paths: args[1:],
				Exclude: excludes, MaxFileSize: maxFileSize, Stdin: s.in, AllowEmpty: allowEmpty,
			})
			if err != nil {
				return inputError(err)
			}
			if len(problems) > 0 {
				for _, p := range problems {
					fmt.Fprintln(s.err, "bulwark:", render.OneLine(p))
				}
				return &exitError{code: report.ExitError}
			}
			exp.WriteText(s.out)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&groups, "group", nil, "a group the subject is in besides those Kubernetes adds (e.g. an Entra ID group object id); repeatable")
	fs.StringArrayVar(&excludes, "exclude", nil, "skip files and directories matching this glob (** matches any depth); repeatable")
	fs.Int64Var(&maxFileSize, "max-file-size", scan.DefaultMaxFileSize, "largest input file read, in bytes")
	fs.BoolVar(&allowEmpty, "allow-empty", false, "accept input that holds no Kubernetes object (default: exit 2, since there is nothing to explain)")
	return cmd
}
