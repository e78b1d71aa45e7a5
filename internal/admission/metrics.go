package admission

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the webhook's Prometheus metrics, on a registry of its own
// (served at /metrics) so that tests and embedders do not share globals.
type Metrics struct {
	Registry *prometheus.Registry
	latency  *prometheus.HistogramVec
	findings *prometheus.CounterVec
	failures *prometheus.CounterVec
	reloads  *prometheus.CounterVec
	// imageCache and verifyFailures count the image gate's work.
	imageCache     *prometheus.CounterVec
	verifyFailures *prometheus.CounterVec
}

// NewMetrics registers the webhook's metrics and the Go runtime's.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "bulwark_admission_request_duration_seconds",
			Help: "Time to answer an AdmissionReview, by decision (allow, warn, deny, error) and kind.",
			// From 100 µs (a cached verdict) to the longest webhook timeout.
			Buckets: []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}, []string{"decision", "kind"}),
		findings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulwark_admission_findings_total",
			Help: "Findings on admitted or denied requests, by check and status (fail, due, excepted, baselined, warn).",
		}, []string{"check", "status"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulwark_admission_failures_total",
			Help: "Requests that could not be judged, by reason (decode, deadline, request); answered with the failure mode.",
		}, []string{"reason"}),
	}
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bulwark_admission_policy_reloads_total",
		Help: "Rebuilds of the service after the policy or baseline file changed, by result (ok, error: the previous policy stays in force).",
	}, []string{"result"})
	m.imageCache = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bulwark_admission_image_cache_total",
		Help: "Image digests judged by the image gate, by result: hit (verdict from the cache) or miss (signature and scan record read); the hit ratio is hit / (hit + miss).",
	}, []string{"result"})
	m.verifyFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "bulwark_admission_image_verification_failures_total",
		Help: "Images in admitted or denied requests whose signature did not verify (unverified) or that could not be judged (not-assessed: registry unreachable, too slow, unreadable signature).",
	}, []string{"reason"})
	m.Registry.MustRegister(m.latency, m.findings, m.failures, m.reloads, m.imageCache, m.verifyFailures,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
