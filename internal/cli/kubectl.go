package cli

import (
	"context"
	"io"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"k8s.io/klog/v2"

	"github.com/bulwark-sec/bulwark/internal/operator"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

// KubectlMain runs the kubectl plugin (kubectl-bulwark on the PATH makes
// `kubectl bulwark`) and returns the exit code.
func KubectlMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := &streams{in: stdin, out: stdout, err: stderr}
	root := &cobra.Command{
		Use:   "kubectl-bulwark",
		Short: "Read what Bulwark's operator found in the cluster",
		// kubectl plugins are named kubectl-NAME and run as kubectl NAME:
		// help and usage say what the user types.
		Annotations:   map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl bulwark"},
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newKubectlReport(s))
	return execute(root, args, s, "kubectl bulwark")
}

func newKubectlReport(s *streams) *cobra.Command {
	var (
		out                 outputFlags
		opt                 operator.ReadOptions
		kubeconfig, kubeCtx string
		timeout             time.Duration
	)
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Print the operator's reports as bulwark scan prints its findings",
		Long: `Read the OpenReports reports Bulwark's operator keeps (Report "bulwark" per namespace,
ClusterReport "bulwark-cluster"; or the wgpolicyk8s.io PolicyReports of the same names
when the operator writes those) and print them with the renderers of bulwark scan:
table, JSON, SARIF or JUnit. Checks the operator could not run are input errors, as in
bulwark scan cluster. Exit codes: 0 nothing blocking, 1 a finding fails the gate the
operator applied, 2 a check could not assess something or the reports could not be read.`,
		Example: `  kubectl bulwark report -n shop
  kubectl bulwark report --format sarif --output cluster.sarif`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.validate(); err != nil {
				return err
			}
			cfg, err := scan.KubeConfig(kubeconfig, kubeCtx)
			if err != nil {
				return usageError("%v", err)
			}
			klog.SetLogger(logr.Discard())
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			rep, err := operator.Read(ctx, cfg, opt)
			if err != nil {
				return &exitError{code: report.ExitError, err: err}
			}
			return finish(s, &out, rep)
		},
	}
	out.add(cmd)
	fs := cmd.Flags()
	fs.StringVarP(&opt.Namespace, "namespace", "n", "", "the namespace whose report to print (default: every namespace and the cluster)")
	fs.BoolVar(&opt.Cluster, "cluster", false, "with --namespace, also print the cluster report")
	fs.StringVar(&kubeconfig, "kubeconfig", "", "kubeconfig file (default: KUBECONFIG, else ~/.kube/config)")
	fs.StringVar(&kubeCtx, "context", "", "kubeconfig context to use (default: the current context)")
	fs.DurationVar(&timeout, "request-timeout", 30*time.Second, "longest time to read the reports")
	return cmd
}
