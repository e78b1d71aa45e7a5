package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-605 reads properties.azureMonitorProfile.metrics.enabled: metrics
// should be collected by Azure Monitor managed Prometheus.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-605", Title: "Managed Prometheus metrics not enabled", Severity: finding.SeverityLow,
			Description: "Without managed Prometheus there is no retained record of API server request rates, error spikes or resource anomalies, the signals that reveal cryptomining, scanning or denial of service.",
			Remediation: "Enable it: az aks update --enable-azure-monitor-metrics (ARM: azureMonitorProfile.metrics.enabled: true; Terraform: monitor_metrics {}).",
			Controls:    check.Controls{ASB: []string{"LT-3"}, Practice: "monitoring-logging"},
		},
		Reads: []string{"properties.azureMonitorProfile.metrics"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if m := c.P().AzureMonitorProfile; m != nil && m.Metrics != nil && aksmodel.Bool(m.Metrics.Enabled) {
				return
			}
			r.Fail(c.Field("azureMonitorProfile", "metrics", "enabled"), "false", "cluster %s does not collect metrics with managed Prometheus", c.Label())
		},
	})
}
