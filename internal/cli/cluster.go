package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"k8s.io/klog/v2"

	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
)

// DefaultClusterTimeout bounds reading a cluster.
const DefaultClusterTimeout = 5 * time.Minute

func newScanCluster(s *streams) *cobra.Command {
	var (
		out        outputFlags
		flags      scanFlags
		live       liveFlags
		pageSize   int64
		img        imageFlags
		aksContext string
	)
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Scan a running cluster through its Kubernetes API",
		Long: `Scan a running cluster: the same checks as for manifests on the objects the API
server holds, plus what only a live cluster shows: pods running against their
namespace's Pod Security level, nodes (kubelet version skew, node image age, OS and
container runtime support, readiness), and the RBAC objects and network policies
that are really there.

Bulwark only reads (list and get). It reads Secrets' metadata, never their data.
Objects are located by their API path (/apis/apps/v1/namespaces/shop/deployments/web).
Pods, ReplicaSets and Jobs owned by a controller that was also read are judged
through the controller's pod template: one finding per Deployment, not one per
replica.

A kind the credentials may not list (403) does not stop the scan; the checks that
needed it are reported as not assessed in the coverage section, and the run exits 2
because its verdict is incomplete. An unreachable API server, rejected credentials
or --timeout end the scan with exit 2 and nothing written.

The credentials are those of the kubeconfig (--kubeconfig, else KUBECONFIG, else
~/.kube/config, else the pod's service account); --context picks a context. The
identity needs only get and list on the kinds read; the coverage section names any
kind it could not read and the checks that missed it.`,
		Example: `  bulwark scan cluster
  bulwark scan cluster --context aks-prod --format sarif --output cluster.sarif
  bulwark scan cluster -n shop -n payments
  bulwark scan cluster --exclude-namespace kube-system --exclude-namespace gatekeeper-system
  bulwark scan cluster --checks K8S-140,K8S-141,K8S-142,K8S-143 --fail-on medium
  bulwark scan cluster --images                      # also scan the running images (by the digests pods run)
  bulwark scan cluster --images --images-from-cache  # judge running digests by pipeline scan records, pull nothing`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.validate(); err != nil {
				return err
			}
			for _, f := range []string{"exclude", "max-file-size"} {
				if cmd.Flags().Changed(f) {
					return usageError("--%s applies to files; for namespaces use --namespace and --exclude-namespace", f)
				}
			}
			if live.timeout <= 0 {
				return usageError("--timeout must be positive")
			}
			if pageSize <= 0 {
				return usageError("--page-size must be positive")
			}
			opt, _, err := flags.options(cmd, s, false)
			if err != nil {
				return err
			}
			ccfg := live.config()
			ccfg.PageSize = pageSize
			var prog *progress
			if isTerminal(s.err) {
				prog = newProgress(s.err)
				ccfg.Progress = prog.update
			}
			copt, err := scan.NewClusterOptions(opt, ccfg)
			if err != nil {
				return inputError(err)
			}
			cfg := copt.Config
			// client-go logs through klog to stderr; everything it reports
			// that matters comes back as an error.
			klog.SetLogger(logr.Discard())
			// A cluster scan holds every object it read until the checks
			// have run, and allocates fast while decoding them; with Go's
			// default pacing (GOGC=100) the heap reaches twice what is live.
			// 50 keeps the peak near one and a half times, for a little
			// more CPU. GOGC in the environment wins.
			if os.Getenv("GOGC") == "" {
				debug.SetGCPercent(50)
			}

			if aksContext != "" {
				if copt.Context, err = scan.LoadAKSContext(context.Background(), aksContext); err != nil {
					return inputError(err)
				}
			}
			var iprog *imageProgress
			if img.enabled {
				// Images are assessed after the cluster was read, under
				// their own time limit.
				ictx, icancel := context.WithTimeout(context.Background(), img.timeout+live.timeout)
				defer icancel()
				if copt.Images, err = img.build(ictx, cmd, opt); err != nil {
					return err
				}
				copt.ImageTimeout = img.timeout
				iprog = withProgress(s, copt.Images)
			} else if err := img.rejectWithoutImages(cmd); err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), live.timeout)
			defer cancel()
			rep, err := scan.Cluster(ctx, copt)
			prog.done()
			iprog.done()
			img.note(rep)
			if err != nil {
				return live.error("scan cluster", cfg.Host, err)
			}
			return finish(s, &out, rep)
		},
	}
	out.add(cmd)
	flags.add(cmd)
	// The file-reading flags of scanFlags mean nothing here; RunE rejects them.
	_ = cmd.Flags().MarkHidden("exclude")
	_ = cmd.Flags().MarkHidden("max-file-size")
	live.add(cmd, false)
	fs := cmd.Flags()
	fs.Int64Var(&pageSize, "page-size", scan.DefaultPageSize, "objects requested per list call")
	fs.StringVar(&aksContext, "aks", "", "the AKS cluster's configuration (az aks show output, ARM JSON): its network policy engine and IMDS setting decide what the NetworkPolicies achieve")
	img.nodePlatforms = true
	img.add(cmd, true)
	return cmd
}

// liveFlags choose a running cluster and what of it to read.
type liveFlags struct {
	// enabled is --cluster, for commands where reading a cluster is a
	// choice (assess); nil elsewhere.
	enabled             bool
	kubeconfig, context string
	namespaces          []string
	excludeNS           []string
	timeout             time.Duration
}

// add adds the flags; withSwitch adds --cluster too.
func (f *liveFlags) add(cmd *cobra.Command, withSwitch bool) {
	fs := cmd.Flags()
	if withSwitch {
		fs.BoolVar(&f.enabled, "cluster", false, "read the Kubernetes objects from the running cluster of the kubeconfig (implied by --kubeconfig and --context)")
	}
	fs.StringVar(&f.kubeconfig, "kubeconfig", "", "kubeconfig file (default: KUBECONFIG, else ~/.kube/config, else the in-cluster service account)")
	fs.StringVar(&f.context, "context", "", "kubeconfig context to use (default: the current context)")
	fs.StringSliceVarP(&f.namespaces, "namespace", "n", nil, "read only these namespaces (repeatable or comma-separated); cluster-scoped kinds are always read")
	fs.StringSliceVar(&f.excludeNS, "exclude-namespace", nil, "skip these namespaces (repeatable or comma-separated); wins over --namespace")
	fs.DurationVar(&f.timeout, "timeout", DefaultClusterTimeout, "give up reading the cluster after this long (assess --all-clusters: each AKS cluster)")
}

func (f *liveFlags) config() scan.ClusterConfig {
	return scan.ClusterConfig{Kubeconfig: f.kubeconfig, Context: f.context, Namespaces: f.namespaces, ExcludeNamespaces: f.excludeNS}
}

// error is the exit error of a command that could not read the cluster
// at host.
func (f *liveFlags) error(command, host string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &exitError{code: report.ExitError, err: fmt.Errorf("%s %s: timed out after %s while %v; raise --timeout or narrow the scan with --namespace",
			command, host, f.timeout, err)}
	}
	return &exitError{code: report.ExitError, err: fmt.Errorf("%s %s: %w", command, host, err)}
}
