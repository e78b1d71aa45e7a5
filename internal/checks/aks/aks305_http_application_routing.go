package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-305 reads properties.addonProfiles.httpApplicationRouting.enabled
// (key matched case-insensitively): the retired HTTP application routing
// add-on should be off.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-305", Title: "HTTP application routing add-on enabled", Severity: finding.SeverityMedium,
			Description: "The HTTP application routing add-on is retired and was never meant for production: it publishes services in a public DNS zone over plain HTTP with an unmanaged ingress controller.",
			Remediation: "Disable it (az aks disable-addons --addons http_application_routing; Terraform: http_application_routing_enabled = false) and use the application routing add-on (managed NGINX with Key Vault certificates) or Application Gateway for Containers.",
			Controls:    check.Controls{ASB: []string{"NS-2"}, Practice: "network"},
		},
		Reads: []string{"properties.addonProfiles.httpApplicationRouting"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			key, a := c.Addon("httpApplicationRouting")
			if a == nil || !aksmodel.Bool(a.Enabled) {
				return
			}
			r.Fail(c.Field("addonProfiles").Key(key).Child("enabled"), "true", "cluster %s runs the retired HTTP application routing add-on", c.Label())
		},
	})
}
