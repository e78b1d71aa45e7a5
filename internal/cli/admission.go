package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"k8s.io/klog/v2"

	"github.com/bulwark-sec/bulwark/internal/admission"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/scan"
	"github.com/bulwark-sec/bulwark/internal/source/cluster"
)

func newAdmission(s *streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "admission",
		Short: "Enforce the catalog at the API server's admission door (validating webhook)",
	}
	cmd.AddCommand(newAdmissionServe(s))
	return cmd
}

func newAdmissionServe(s *streams) *cobra.Command {
	var (
		flags                     scanFlags
		listen, certFile, keyFile string
		defaultMode, failureMode  string
		kubeconfig, kubeCtx       string
		deadline                  time.Duration
		maxBody                   int64
		watchNamespaces           bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the validating admission webhook over HTTPS",
		Long: `Serve AdmissionReview v1 requests at /validate over HTTPS (TLS 1.2 or later), judging
each created or updated object with the checks that judge one object on their own
(bulwark checks list --source admission), the policy file's exceptions, severity
overrides and grace periods, and the gate (--fail-on).

Per namespace, the label admission.bulwark.dev/mode says what a blocking finding
does: enforce denies the request (one line per finding: check, field, fix), warn
admits it with warnings (kubectl prints them), audit admits it and writes a JSON
line to standard output. Namespaces without the label get --default-mode. A
finding within its grace period is always a warning naming the day it will be
denied. A request that cannot be judged (an object that does not decode, the
--deadline passed) gets --failure-mode, and the answer says so.

The key pair is reloaded when its files change (cert-manager renews in place).
/healthz answers while the process runs, /readyz once the namespace labels have
been read, /metrics serves Prometheus metrics. SIGTERM stops taking requests and
finishes those in flight.`,
		Example: `  bulwark admission serve --tls-cert /tls/tls.crt --tls-key /tls/tls.key
  bulwark admission serve --tls-cert tls.crt --tls-key tls.key --listen 127.0.0.1:8443 --default-mode warn --policy bulwark.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, f := range []string{"exclude", "max-file-size", "new-only"} {
				if cmd.Flags().Changed(f) {
					return usageError("--%s does not apply to admission serve", f)
				}
			}
			if certFile == "" || keyFile == "" {
				return usageError("--tls-cert and --tls-key are required: the API server calls webhooks over HTTPS only")
			}
			mode, err := admission.ParseMode(defaultMode)
			if err != nil {
				return usageError("--default-mode: %v", err)
			}
			fm, err := admission.ParseFailureMode(failureMode)
			if err != nil {
				return usageError("--failure-mode: %v", err)
			}
			if deadline <= 0 || maxBody <= 0 {
				return usageError("--deadline and --max-body must be positive")
			}
			opt, _, err := flags.options(cmd, s, false)
			if err != nil {
				return err
			}
			// Verdicts are judged as of each request, not of the start,
			// unless --as-of pins the day.
			if !cmd.Flags().Changed("as-of") {
				opt.Now = time.Time{}
			}
			svc, err := scan.NewService(opt, "admission serve", check.Admission)
			if err != nil {
				return usageError("%v", err)
			}
			cert, err := admission.LoadCertificate(certFile, keyFile)
			if err != nil {
				return &exitError{code: report.ExitError, err: err}
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			var mu sync.Mutex
			enc := json.NewEncoder(s.out)
			h := &admission.Handler{
				Service: svc, DefaultMode: mode, FailureMode: fm, Deadline: deadline, MaxBody: maxBody,
				Metrics: admission.NewMetrics(),
				Audit: func(r admission.Record) {
					mu.Lock()
					defer mu.Unlock()
					_ = enc.Encode(r)
				},
			}
			srv := &admission.Server{Handler: h, Cert: cert}
			if watchNamespaces {
				cfg, _, err := cluster.Config(kubeconfig, kubeCtx)
				if err != nil {
					return usageError("%v (the namespace modes need the API server; --watch-namespaces=false gives every namespace --default-mode)", err)
				}
				klog.SetLogger(logr.Discard())
				nc, err := admission.WatchNamespaces(ctx, cfg)
				if err != nil {
					return &exitError{code: report.ExitError, err: err}
				}
				h.Namespaces, srv.Ready = nc, nc.Synced
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return &exitError{code: report.ExitError, err: err}
			}
			fmt.Fprintf(s.err, "bulwark admission: serving https://%s/validate (%d checks, default mode %s, failure mode %s)\n",
				ln.Addr(), len(svc.Checks()), mode, fm)
			if err := srv.Serve(ctx, ln); err != nil {
				return &exitError{code: report.ExitError, err: err}
			}
			return nil
		},
	}
	flags.add(cmd)
	for _, f := range []string{"exclude", "max-file-size", "new-only"} {
		_ = cmd.Flags().MarkHidden(f)
	}
	fs := cmd.Flags()
	fs.StringVar(&listen, "listen", ":8443", "address to listen on")
	fs.StringVar(&certFile, "tls-cert", "", "TLS certificate file (PEM), reloaded when it changes")
	fs.StringVar(&keyFile, "tls-key", "", "TLS private key file (PEM), reloaded when it changes")
	fs.StringVar(&defaultMode, "default-mode", string(admission.Enforce), "mode of namespaces without the "+admission.ModeLabel+" label: enforce, warn or audit")
	fs.StringVar(&failureMode, "failure-mode", string(admission.FailDeny), "answer to a request that cannot be judged: deny, or allow with a warning")
	fs.DurationVar(&deadline, "deadline", admission.DefaultDeadline, "longest time to judge one request; keep it below the webhook's timeoutSeconds")
	fs.Int64Var(&maxBody, "max-body", admission.DefaultMaxBody, "largest AdmissionReview accepted, in bytes")
	fs.BoolVar(&watchNamespaces, "watch-namespaces", true, "read namespace labels from the API server (list and watch namespaces) for the per-namespace mode")
	fs.StringVar(&kubeconfig, "kubeconfig", "", "kubeconfig file (default: KUBECONFIG, else ~/.kube/config, else the in-cluster service account)")
	fs.StringVar(&kubeCtx, "context", "", "kubeconfig context to use (default: the current context)")
	return cmd
}
