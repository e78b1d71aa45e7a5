package cli

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"k8s.io/klog/v2"

	"github.com/bulwark-sec/bulwark/internal/operator"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

func newOperator(s *streams) *cobra.Command {
	var (
		flags               scanFlags
		img                 imageFlags
		reverify            time.Duration
		cfg                 operator.Config
		kubeconfig, kubeCtx string
	)
	cmd := &cobra.Command{
		Use:   "operator",
		Short: "Keep one OpenReports report per namespace current, inside the cluster",
		Long: `Watch the kinds the catalog reads (workloads, Pods, RBAC, NetworkPolicies, Services,
Ingresses, Namespaces, Nodes, ConfigMaps, and Secrets as metadata only) and keep one
OpenReports Report (openreports.io/v1alpha1) named "bulwark" per namespace, and one
ClusterReport "bulwark-cluster" for cluster-scoped subjects, current. With
--report-format policyreport they are wgpolicyk8s.io/v1alpha2 PolicyReports and a
ClusterPolicyReport instead, for tools that read only those.

A change re-judges the namespace it is in after --debounce (a RoleBinding also the
namespaces of the service accounts it names; a Namespace, Node, ClusterRole or
ClusterRoleBinding every namespace); the cluster report follows within
--cluster-delay. Every --resync, every namespace is re-judged from the watch cache,
without listing anything again. A report holds at most --max-results results; the
rest are counted in its summary and described by one overflow result.

Kinds the operator may not list and watch are not watched: the checks that need them
are reported as "not assessed" (result error) in every report, never as passed.

The policy comes from --policy-configmap (key bulwark.yaml) in --namespace, watched:
an edit re-judges every namespace. First-seen dates live in the reports' results, so
grace periods count from when a finding first appeared in the cluster, across
restarts. /metrics and /healthz are served over HTTPS on --metrics-address.

With --images, the digests the pods run (their status imageID) are judged from the
scan records of the shared image cache (--cache-dir, filled by bulwark scan image in
the pipeline), as scan cluster --images-from-cache judges them: nothing is pulled; a
digest no scan recorded is IMG-013, and the checks it keeps from judging it are "not
assessed" in the report, never passed. The operator asks registries nothing unless
--reverify-interval is set: then signatures are verified (IMG-010, IMG-011) and tags
resolved (drift, IMG-012) again once per interval, when every namespace is re-judged.`,
		Example: `  bulwark operator --namespace bulwark --policy-configmap bulwark-policy --leader-elect
  bulwark operator --images --cache-dir /cache/images --db-dir /cache/vulndb --reverify-interval 6h
  bulwark operator --kubeconfig ~/.kube/config --metrics-address 127.0.0.1:8443`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, f := range []string{"exclude", "max-file-size", "new-only", "baseline", "policy", "allow-empty"} {
				if cmd.Flags().Changed(f) {
					return usageError("--%s does not apply to the operator (the policy comes from --policy-configmap)", f)
				}
			}
			for _, f := range []string{"images-from-cache", "no-cache", "image-timeout"} {
				if cmd.Flags().Changed(f) {
					return usageError("--%s does not apply to the operator (it judges images from the cache, every evaluation)", f)
				}
			}
			if !img.enabled {
				if err := img.rejectWithoutImages(cmd); err != nil {
					return err
				}
				if cmd.Flags().Changed("reverify-interval") {
					return usageError("--reverify-interval needs --images")
				}
			} else {
				if reverify < 0 {
					return usageError("--reverify-interval must not be negative")
				}
				ic := img.config(cmd)
				ic.Reverify = reverify
				cfg.Images = &ic
			}
			rc, err := scan.KubeConfig(kubeconfig, kubeCtx)
			if err != nil {
				return usageError("%v", err)
			}
			klog.SetLogger(logr.Discard())
			// The watch cache is most of what the operator holds; with Go's
			// default pacing (GOGC=100) the heap grows to twice that
			// between collections. 50, as scan cluster: one and a half
			// times, for a little more CPU. GOGC in the environment wins.
			if os.Getenv("GOGC") == "" {
				debug.SetGCPercent(50)
			}
			cfg.Rest = rc
			cfg.Flags = flags.flags(cmd, s, false)
			cfg.Flags.NoPolicyFile = true
			cfg.Log = logr.FromSlogHandler(slog.NewJSONHandler(s.err, nil))
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			if err := operator.Run(ctx, cfg); err != nil {
				return &exitError{code: report.ExitError, err: err}
			}
			return nil
		},
	}
	flags.add(cmd)
	for _, f := range []string{"exclude", "max-file-size", "new-only", "baseline", "policy", "allow-empty"} {
		_ = cmd.Flags().MarkHidden(f)
	}
	img.nodePlatforms = true
	img.add(cmd, true)
	for _, f := range []string{"images-from-cache", "no-cache", "image-timeout"} {
		_ = cmd.Flags().MarkHidden(f)
	}
	fs := cmd.Flags()
	fs.Lookup("images").Usage = "also judge the images the pods run (IMG checks) from the scan records in --cache-dir; pulls nothing"
	fs.DurationVar(&reverify, "reverify-interval", 0, "with --images: verify signatures and resolve tags (drift) at the registries again this often (0: never ask a registry)")
	fs.StringVar(&cfg.Namespace, "namespace", "", "the operator's namespace: where --policy-configmap and the leader election lease are")
	fs.StringVar(&cfg.PolicyConfigMap, "policy-configmap", "", "ConfigMap in --namespace holding the policy under bulwark.yaml (watched)")
	fs.StringVar(&cfg.ReportFormat, "report-format", operator.FormatOpenReports, "reports to write: openreports (openreports.io/v1alpha1 Report, ClusterReport) or policyreport (wgpolicyk8s.io/v1alpha2 PolicyReport, ClusterPolicyReport)")
	fs.IntVar(&cfg.MaxResults, "max-results", operator.DefaultMaxResults, "most results in one report; the rest are summarised in it")
	fs.DurationVar(&cfg.Resync, "resync", operator.DefaultResync, "how often every namespace is re-judged from the watch cache")
	fs.DurationVar(&cfg.Debounce, "debounce", operator.DefaultDebounce, "how long a namespace waits after a change before it is re-judged")
	fs.DurationVar(&cfg.ClusterDelay, "cluster-delay", operator.DefaultClusterDelay, "longest wait, and least time, between two evaluations of the cluster report")
	fs.IntVar(&cfg.Workers, "workers", operator.DefaultWorkers, "namespaces evaluated at once")
	fs.BoolVar(&cfg.LeaderElection, "leader-elect", false, "elect one active replica (a Lease in --namespace)")
	fs.StringVar(&cfg.MetricsAddr, "metrics-address", ":8443", `address of the HTTPS server of /metrics and /healthz ("0": none)`)
	fs.StringVar(&cfg.MetricsCertDir, "metrics-cert-dir", "", "directory with tls.crt and tls.key for that server (default: a self-signed certificate)")
	fs.StringVar(&kubeconfig, "kubeconfig", "", "kubeconfig file (default: KUBECONFIG, else ~/.kube/config, else the in-cluster service account)")
	fs.StringVar(&kubeCtx, "context", "", "kubeconfig context to use (default: the current context)")
	return cmd
}
