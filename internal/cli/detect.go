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

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/admission"
	"github.com/bulwark-sec/bulwark/internal/detect"
	"github.com/bulwark-sec/bulwark/internal/report"
)

// detectFlags are the flags of detect and detect serve.
type detectFlags struct {
	scan      scanFlags
	window    time.Duration
	perMinute int
	learn     time.Duration
	aks       []string
	rules     []string
}

func (f *detectFlags) add(cmd *cobra.Command) {
	f.scan.add(cmd)
	for _, n := range []string{"exclude", "max-file-size", "new-only", "baseline", "pss-enforce"} {
		_ = cmd.Flags().MarkHidden(n)
	}
	fs := cmd.Flags()
	fs.DurationVar(&f.window, "dedup-window", detect.DefaultWindow, "do not repeat an alert of the same detection, actor, verb and object within this time (event time)")
	fs.IntVar(&f.perMinute, "rate-limit", detect.DefaultPerMinute, "most alerts per detection and actor in one minute of event time; the rest are counted")
	fs.DurationVar(&f.learn, "learn", 0, "learn the subjects that read Secrets during this time from the first event (DET-006); 0 learns nothing")
	fs.StringSliceVar(&f.rules, "rules", nil, "files of your own detections: CEL predicates over the audit event (event.verb, event.objectRef.resource, ...), checked when they load")
	fs.StringSliceVar(&f.aks, "aks", nil, "AKS cluster configuration (az aks show or ARM JSON): its authorized IP ranges feed DET-009")
}

func (f *detectFlags) detector(cmd *cobra.Command, s *streams) (*detect.Detector, error) {
	for _, n := range []string{"exclude", "max-file-size", "new-only", "baseline", "pss-enforce"} {
		if cmd.Flags().Changed(n) {
			return nil, usageError("--%s does not apply to detect", n)
		}
	}
	opt, _, err := f.scan.options(cmd, s, false)
	if err != nil {
		return nil, err
	}
	if !cmd.Flags().Changed("as-of") {
		opt.Now = time.Time{} // exceptions expire as time passes
	}
	d, err := detect.New(cmd.Context(), detect.Options{Scan: opt, Window: f.window, PerMinute: f.perMinute, Learn: f.learn, AKS: f.aks, Rules: f.rules})
	if err != nil {
		return nil, usageError("%v", err)
	}
	return d, nil
}

func newDetect(s *streams) *cobra.Command {
	var flags detectFlags
	cmd := &cobra.Command{
		Use:   "detect [FILE|-]...",
		Short: "Run the threat detections (DET-…) on Kubernetes audit events",
		Long: `Read audit.k8s.io/v1 events as JSON lines — Events and EventLists as the API server's
log and webhook backends write them, and AKS diagnostic-settings exports of the
kube-audit and kube-audit-admin categories (storage-account records and Event Hub
bodies) — and print one JSON line per alert: the detection, the actor, the object,
the source IPs and the event's auditID. "-" (the default) reads standard input,
which may be an endless pipe.

Alerts of the same detection, actor, verb and object are not repeated within
--dedup-window, and at most --rate-limit alerts per detection and actor are printed
per minute; the policy file's exceptions (by actor, namespace, resource and
detection, until their expiry) waive alerts. Every alert not printed is counted in
the summary on standard error.

Exit codes: 0 no alert at or above --fail-on, 1 such alerts, 2 usage or input error
(a line that is not an audit event, or no events at all).`,
		Example: `  bulwark detect audit.log
  az storage blob download ... | bulwark detect -
  bulwark detect --policy bulwark.yaml --aks cluster.json --learn 24h kube-audit/*.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"-"}
			}
			d, err := flags.detector(cmd, s)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			enc := json.NewEncoder(s.out)
			var problems []report.InputError
			in, err := d.Files(ctx, args, s.in, func(a report.Alert) error { return enc.Encode(a) }, func(e report.InputError) {
				if len(problems) < 100 {
					problems = append(problems, e)
				}
			})
			for _, p := range problems {
				fmt.Fprintf(s.err, "bulwark detect: %s:%d: %s\n", p.File, p.Line, printable(p.Message))
			}
			st := d.Stats()
			fmt.Fprintf(s.err, "bulwark detect: %d events, %d alerts (%d deduplicated, %d rate-limited, %d waived by exceptions), %d input problems\n",
				st.Events, st.Alerts, st.Deduplicated, st.RateLimited, st.Excepted, in.Problems)
			switch {
			case err != nil:
				return inputError(err)
			case in.Problems > 0:
				return &exitError{code: report.ExitError}
			case st.Events == 0:
				return inputError(fmt.Errorf("no audit events read: nothing was assessed"))
			case st.Blocking > 0:
				return &exitError{code: report.ExitFail}
			}
			return nil
		},
	}
	flags.add(cmd)
	cmd.AddCommand(newDetectServe(s))
	return cmd
}

func newDetectServe(s *streams) *cobra.Command {
	var (
		flags                     detectFlags
		listen, certFile, keyFile string
		queue                     int
		maxBody                   int64
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Receive the API server's audit webhook over HTTPS and alert as events arrive",
		Long: `Serve the API server's audit webhook backend (--audit-webhook-config-file) at /audit
over HTTPS (TLS 1.2 or later): each POSTed EventList is queued whole and run through
the detections in arrival order; alerts are JSON lines on standard output. When
--queue batches are waiting the next one is refused with 429 and Retry-After, which
the API server retries with back-off; refused batches are counted
(bulwark_detect_batches_refused_total), never dropped silently. /metrics serves
Prometheus counters, /healthz answers while the process runs. The key pair is
reloaded when its files change.`,
		Example: `  bulwark detect serve --tls-cert tls.crt --tls-key tls.key --listen 127.0.0.1:8444 --policy bulwark.yaml`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if certFile == "" || keyFile == "" {
				return usageError("--tls-cert and --tls-key are required: the webhook is served over HTTPS only")
			}
			d, err := flags.detector(cmd, s)
			if err != nil {
				return err
			}
			cert, err := admission.LoadCertificate(certFile, keyFile)
			if err != nil {
				return inputError(err)
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			var mu sync.Mutex
			enc := json.NewEncoder(s.out)
			srv := &detect.Server{Detector: d, Cert: cert, Queue: queue, MaxBody: maxBody,
				Emit: func(a report.Alert) { mu.Lock(); defer mu.Unlock(); _ = enc.Encode(a) },
				Problem: func(e report.InputError) {
					fmt.Fprintln(s.err, "bulwark detect:", printable(e.Message))
				}}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return inputError(err)
			}
			fmt.Fprintf(s.err, "bulwark detect: serving https://%s/audit (%d detections)\n", ln.Addr(), len(d.Checks()))
			if err := srv.Serve(ctx, ln); err != nil {
				return inputError(err)
			}
			st := d.Stats()
			fmt.Fprintf(s.err, "bulwark detect: %d events, %d alerts (%d deduplicated, %d rate-limited, %d waived by exceptions)\n",
				st.Events, st.Alerts, st.Deduplicated, st.RateLimited, st.Excepted)
			return nil
		},
	}
	flags.add(cmd)
	fs := cmd.Flags()
	fs.StringVar(&listen, "listen", ":8444", "address to listen on")
	fs.StringVar(&certFile, "tls-cert", "", "TLS certificate file (PEM), reloaded when it changes")
	fs.StringVar(&keyFile, "tls-key", "", "TLS private key file (PEM), reloaded when it changes")
	fs.IntVar(&queue, "queue", detect.DefaultQueue, "batches waiting at most; past it a batch is refused with 429")
	fs.Int64Var(&maxBody, "max-body", detect.DefaultMaxBody, "largest batch accepted, in bytes")
	return cmd
}
