package aks

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-602 reads the cluster's diagnostic settings and whether any pool
// autoscales: kube-apiserver, kube-controller-manager and kube-scheduler
// logs (and cluster-autoscaler's where a pool autoscales) should be
// exported. A cluster with no diagnostic setting at all is AKS-601's
// finding.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-602", Title: "Control-plane logs not exported", Severity: finding.SeverityLow,
			Description: "The control-plane component logs show failed authentications, admission webhook errors, leader changes and scaling decisions; an investigation without them cannot tell an attack from a fault.",
			Remediation: "Add kube-apiserver, kube-controller-manager, kube-scheduler and cluster-autoscaler to the cluster's diagnostic setting (or use the allLogs category group).",
			Controls:    check.Controls{ASB: []string{"LT-3"}, Practice: "monitoring-logging"},
		},
		Reads: []string{aksmodel.GapDiagnostics, aksmodel.PoolPrefix + "enableAutoScaling"},
		Eval: func(c *aksmodel.Cluster, pools []*aksmodel.Pool, r *check.Report) {
			if len(c.Diagnostics) == 0 {
				return
			}
			want := []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler"}
			for _, p := range pools {
				if aksmodel.Bool(p.Profile.EnableAutoScaling) {
					want = append(want, "cluster-autoscaler")
					break
				}
			}
			if miss := missing(c.Diagnostics, want...); len(miss) > 0 {
				r.Fail(field.NewPath(aksmodel.GapDiagnostics), strings.Join(miss, ","), "cluster %s does not export the %s log categories", c.Label(), strings.Join(miss, ", "))
			}
		},
	})
}
