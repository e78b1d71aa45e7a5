package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-804 reads properties.enablePodSecurityPolicy: the removed
// PodSecurityPolicy feature flag should not be set.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-804", Title: "Deprecated PodSecurityPolicy flag set", Severity: finding.SeverityLow,
			Description: "PodSecurityPolicy was removed in Kubernetes 1.25 and the AKS preview ended; a template still setting the flag expects protection that no longer exists, and fails on current versions.",
			Remediation: "Remove enablePodSecurityPolicy and enforce pod security with Pod Security Admission labels and the Azure Policy add-on's pod security initiatives.",
			Controls:    check.Controls{ASB: []string{"PV-2"}, Practice: "container"},
		},
		Reads: []string{"properties.enablePodSecurityPolicy"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if aksmodel.Bool(c.P().EnablePodSecurityPolicy) {
				r.Fail(c.Field("enablePodSecurityPolicy"), "true", "cluster %s still sets the removed PodSecurityPolicy flag", c.Label())
			}
		},
	})
}
