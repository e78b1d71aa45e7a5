package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestManagedPrometheus(t *testing.T) {
	const f = "properties.azureMonitorProfile.metrics.enabled"
	akstest.Table(t, "AKS-605", []akstest.Case{
		akstest.C("absent", akstest.Cluster(`{}`), f),
		akstest.C("off", akstest.Cluster(`{"azureMonitorProfile": {"metrics": {"enabled": false}}}`), f),
		akstest.C("on", akstest.Cluster(`{"azureMonitorProfile": {"metrics": {"enabled": true, "kubeStateMetrics": {}}}}`)),
	})
}
