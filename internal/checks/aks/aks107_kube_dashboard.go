package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-107 reads properties.addonProfiles.kubeDashboard.enabled (the key
// matched case-insensitively): the retired dashboard add-on must be off.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-107", Title: "Legacy Kubernetes dashboard add-on enabled", Severity: finding.SeverityMedium,
			Description: "The kube-dashboard add-on is retired and unmaintained; its service account historically held broad rights, and it has been the entry point of well-known cluster compromises.",
			Remediation: "Disable it (az aks disable-addons --addons kube-dashboard, or remove addonProfiles.kubeDashboard) and use the Azure portal's Kubernetes resource view.",
			Controls:    check.Controls{ASB: []string{"PA-7"}, Practice: "cluster-api-access"},
		},
		Reads: []string{"properties.addonProfiles.kubeDashboard"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			key, a := c.Addon("kubeDashboard")
			if a == nil || !aksmodel.Bool(a.Enabled) {
				return
			}
			r.Fail(c.Field("addonProfiles").Key(key).Child("enabled"), "true", "cluster %s runs the retired kube-dashboard add-on", c.Label())
		},
	})
}
