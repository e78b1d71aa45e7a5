package operator

import (
	"sync"

	openreports "github.com/openreports/reports-api/apis/openreports.io/v1alpha1"
	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// metrics are the operator's own; controller-runtime adds the queue's
// (workqueue_depth{name="bulwark"}, workqueue_adds_total...) and the
// reconciles' (controller_runtime_reconcile_time_seconds) on the same
// registry.
type metrics struct {
	findings   *prometheus.GaugeVec
	evaluation *prometheus.HistogramVec
	writes     *prometheus.CounterVec
}

var (
	metricsOnce sync.Once
	theMetrics  *metrics
)

// sharedMetrics are registered once per process: an operator run again in
// the same process (the tests) reports on the same series.
func sharedMetrics() *metrics {
	metricsOnce.Do(func() { theMetrics = newMetrics(defaultRegistry) })
	return theMetrics
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		findings: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "bulwark_operator_findings",
			Help: "Findings in the reports, by severity, check and status.",
		}, []string{"severity", "check", "status"}),
		evaluation: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bulwark_operator_evaluation_seconds",
			Help:    "Time to evaluate one report's scope (namespace or cluster) from the cache.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
		}, []string{"scope"}),
		writes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulwark_operator_report_writes_total",
			Help: "Reports created or updated (unchanged reports are not written).",
		}, []string{"kind"}),
	}
	reg.MustRegister(m.findings, m.evaluation, m.writes)
	return m
}

// defaultRegistry is controller-runtime's, which its metrics server
// serves.
var defaultRegistry prometheus.Registerer = ctrlmetrics.Registry

type findingKey struct{ severity, check, status string }

// countFindings counts the findings of rs by severity, check and status.
func countFindings(rs []openreports.ReportResult) map[findingKey]int {
	out := map[findingKey]int{}
	for _, r := range rs {
		if r.Properties[PropFingerprint] == "" {
			continue
		}
		out[findingKey{string(r.Severity), r.Policy, r.Properties[PropStatus]}]++
	}
	return out
}

// update replaces old's counts with cur's.
func (m *metrics) update(old, cur map[findingKey]int) {
	for k, n := range old {
		m.findings.WithLabelValues(k.severity, k.check, k.status).Sub(float64(n))
	}
	for k, n := range cur {
		m.findings.WithLabelValues(k.severity, k.check, k.status).Add(float64(n))
	}
}
