package detect

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/bulwark-sec/bulwark/internal/admission"
	"github.com/bulwark-sec/bulwark/internal/report"
	"github.com/bulwark-sec/bulwark/internal/source/audit"
)

// Server receives the API server's audit webhook batches (EventList
// bodies POSTed to /audit) over HTTPS and runs the detector on them on
// one goroutine, in arrival order. A batch is queued whole; when the
// queue is full the batch is refused with 429 and Retry-After, which the
// API server's webhook backend retries with back-off, and counted: a
// batch is either processed or refused, never dropped.
type Server struct {
	Detector *Detector
	Cert     *admission.Certificate
	// Emit receives each alert, from the processing goroutine.
	Emit func(report.Alert)
	// Problem receives each input problem.
	Problem func(report.InputError)
	// Queue is how many batches wait at most; MaxBody bounds one batch.
	Queue   int
	MaxBody int64
	Limits  audit.Limits

	metrics *metrics
	queue   chan []byte
}

// Defaults for a Server.
const (
	DefaultQueue   = 64
	DefaultMaxBody = 8 << 20
)

type metrics struct {
	reg                                        *prometheus.Registry
	batches, refused, events, problems, alerts prometheus.Counter
	dedup, rate, excepted                      prometheus.CounterFunc
	queued                                     prometheus.GaugeFunc
}

func (s *Server) newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	counter := func(name, help string) prometheus.Counter {
		c := prometheus.NewCounter(prometheus.CounterOpts{Namespace: "bulwark_detect", Name: name, Help: help})
		m.reg.MustRegister(c)
		return c
	}
	m.batches = counter("batches_total", "Audit webhook batches accepted.")
	m.refused = counter("batches_refused_total", "Audit webhook batches refused with 429 because the queue was full (the API server retries them).")
	m.events = counter("events_total", "Audit events processed.")
	m.problems = counter("input_errors_total", "Batches or events that could not be read.")
	m.alerts = counter("alerts_total", "Alerts emitted.")
	stat := func(name, help string, f func(Stats) int64) prometheus.CounterFunc {
		c := prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "bulwark_detect", Name: name, Help: help},
			func() float64 { return float64(f(s.Detector.Stats())) })
		m.reg.MustRegister(c)
		return c
	}
	m.dedup = stat("alerts_deduplicated_total", "Alerts not repeated within the dedup window.", func(st Stats) int64 { return st.Deduplicated })
	m.rate = stat("alerts_rate_limited_total", "Alerts over the per-rule-and-actor rate limit.", func(st Stats) int64 { return st.RateLimited })
	m.excepted = stat("alerts_excepted_total", "Alerts waived by the policy file's exceptions.", func(st Stats) int64 { return st.Excepted })
	m.queued = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "bulwark_detect", Name: "queued_batches", Help: "Batches waiting to be processed."},
		func() float64 { return float64(len(s.queue)) })
	m.reg.MustRegister(m.queued)
	return m
}

// ServeHTTP takes one batch.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST an audit EventList", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.MaxBody))
	if err != nil {
		s.metrics.problems.Inc()
		s.Problem(report.InputError{File: "webhook", Message: "batch not read: " + err.Error()})
		http.Error(w, "batch not read", http.StatusRequestEntityTooLarge)
		return
	}
	select {
	case s.queue <- body:
		s.metrics.batches.Inc()
		w.WriteHeader(http.StatusOK)
	default:
		s.metrics.refused.Inc()
		w.Header().Set("Retry-After", "1")
		http.Error(w, "queue full, retry", http.StatusTooManyRequests)
	}
}

// process runs the detector on queued batches until the queue is closed.
func (s *Server) process() {
	for body := range s.queue {
		err := audit.Decode(body, s.Limits, func(ev *audit.Event, pos audit.Position) error {
			s.metrics.events.Inc()
			for _, a := range s.Detector.Event(ev, "webhook") {
				s.metrics.alerts.Inc()
				s.Emit(a)
			}
			return nil
		}, func(e *audit.Error) {
			s.metrics.problems.Inc()
			s.Problem(report.InputError{File: "webhook", Message: e.Error()})
		})
		_ = err // the handler above returns none
	}
}

// Serve listens on ln until ctx ends, then stops taking batches, finishes
// those queued and returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.Queue <= 0 {
		s.Queue = DefaultQueue
	}
	if s.MaxBody <= 0 {
		s.MaxBody = DefaultMaxBody
	}
	if s.Limits.MaxLine == 0 {
		s.Limits = audit.DefaultLimits
	}
	s.Limits.MaxLine = max(s.Limits.MaxLine, int(s.MaxBody))
	s.queue = make(chan []byte, s.Queue)
	s.metrics = s.newMetrics()
	mux := http.NewServeMux()
	mux.Handle("/audit", s)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.Handle("/metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	srv := &http.Server{
		Handler:           mux,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: s.Cert.Get},
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	done := make(chan struct{})
	go func() { s.process(); close(done) }()
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = srv.Shutdown(shutdown)
		if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
	}
	close(s.queue)
	<-done
	return err
}
