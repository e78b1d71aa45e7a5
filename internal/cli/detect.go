package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/bulwark-sec/bulwark/internal/admission"
	"github.com/bulwark-sec/bulwark/internal/detect"
	"github.com/bulwark-sec/bulwark/internal/render"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/version"
)

// detectFlags are the flags of detect and detect serve.
type detectFlags struct {
	scan      scanFlags
	window    time.Duration
	perMinute int
	learn     time.Duration
	aks       []string
	rules     []string
	format    string
	noColor   bool
}

// maxHeldAlerts bounds the alerts SARIF and the table hold until the end.
const maxHeldAlerts = 100_000

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
which may be an endless pipe. --format sarif writes a SARIF 2.1.0 log (each alert a
result at the audit log's line, with the actor, verb, source IPs and auditID) and
--format table a listing for people, both when the input ends.

Alerts of the same detection, actor, verb and object are not repeated within
--dedup-window, and at most --rate-limit alerts per detection and actor are printed
per minute; the policy file's exceptions (by actor, namespace, resource and
detection, until their expiry) waive alerts. Every alert not printed is counted in
the summary on standard error.

Exit codes: 0 no alert at or above --fail-on, 1 such alerts, 2 usage or input error
(a line that is not an audit event, or no events at all).`,
		Example: `  bulwark detect audit.log
  az storage blob download ... | bulwark detect -
  bulwark detect --policy bulwark.yaml --aks cluster.json --learn 24h kube-audit/*.json
  bulwark detect -f sarif audit.log > detections.sarif`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"-"}
			}
			d, err := flags.detector(cmd, s)
			if err != nil {
				return err
			}
			format, err := formatFlag(flags.format, render.AlertFormats, false)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			enc := json.NewEncoder(s.out)
			var problems []report.InputError
			var held []render.LocatedAlert
			emit := func(a report.Alert, _ report.Location) error { return enc.Encode(a) }
			if format != "jsonl" {
				// SARIF and the table are written whole, at the end: the
				// alerts are held, up to a bound.
				emit = func(a report.Alert, at report.Location) error {
					if len(held) >= maxHeldAlerts {
						return fmt.Errorf("more than %d alerts: use --format jsonl, which streams them", maxHeldAlerts)
					}
					held = append(held, render.LocatedAlert{Alert: a, At: at})
					return nil
				}
			}
			in, err := d.Files(ctx, args, s.in, emit, func(e report.InputError) {
				if len(problems) < 100 {
					problems = append(problems, e)
				}
			})
			for _, p := range problems {
				fmt.Fprintf(s.err, "bulwark detect: %s:%d: %s\n", p.File, p.Line, printable(p.Message))
			}
			st := d.Stats()
			suppressed := fmt.Sprintf("%d deduplicated, %d rate-limited, %d waived by exceptions", st.Deduplicated, st.RateLimited, st.Excepted)
			fmt.Fprintf(s.err, "bulwark detect: %d events, %d alerts (%s), %d input problems\n", st.Events, st.Alerts, suppressed, in.Problems)
			var exit error
			switch {
			case err != nil:
				exit = inputError(err)
			case in.Problems > 0:
				exit = &exitError{code: report.ExitError}
			case st.Events == 0:
				exit = inputError(fmt.Errorf("no audit events read: nothing was assessed"))
			case st.Blocking > 0:
				exit = &exitError{code: report.ExitFail}
			}
			if format == "jsonl" || err != nil {
				return exit
			}
			code := report.ExitPass
			if e, ok := exit.(*exitError); ok {
				code = e.code
			}
			log := &render.AlertLog{Tool: report.Tool{Name: "bulwark", Version: version.Version, URI: version.URI}, Rules: d.Rules(),
				Alerts: held, Problems: problems, Events: st.Events, Suppressed: suppressed, FailOn: d.FailOn(), ExitCode: code}
			var werr error
			if format == "sarif" {
				werr = render.AlertsSARIF(s.out, log)
			} else {
				werr = render.AlertsTable(s.out, log, render.Options{Color: !flags.noColor && isTerminal(s.out)})
			}
			if werr != nil {
				return werr
			}
			return exit
		},
	}
	flags.add(cmd)
	cmd.Flags().StringVarP(&flags.format, "format", "f", "jsonl", "output format: "+strings.Join(render.AlertFormats, ", ")+" (jsonl streams; sarif and table are written when the input ends)")
	cmd.Flags().BoolVar(&flags.noColor, "no-color", false, "never colour the table output (also: NO_COLOR=1)")
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
