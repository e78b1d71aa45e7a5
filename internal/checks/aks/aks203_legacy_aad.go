package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-203 reads properties.aadProfile.serverAppID, .serverAppSecret and
// .clientAppID: the legacy AAD integration's applications and secret
// must be gone. The secret is never printed.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-203", Title: "Legacy AAD integration still configured", Severity: finding.SeverityMedium,
			Description: "The legacy (pre-managed) AAD integration needs a server application with a client secret that you must rotate yourself; it is deprecated and a secret in the cluster definition is a credential in your templates and state files.",
			Remediation: "Migrate to AKS-managed Entra ID (az aks update --enable-aad), remove serverAppID, serverAppSecret and clientAppID from templates, and delete the old app registrations and their secrets.",
			Controls:    check.Controls{ASB: []string{"IM-1", "IM-8"}, Practice: "identity-rbac"},
		},
		Reads: []string{"=properties.aadProfile", "properties.aadProfile.serverAppID", "properties.aadProfile.serverAppSecret", "properties.aadProfile.clientAppID"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			a := c.P().AADProfile
			if a == nil {
				return
			}
			if v := aksmodel.Str(a.ServerAppID); v != "" {
				r.Fail(c.Field("aadProfile", "serverAppID"), v, "cluster %s is configured with legacy AAD server application %s", c.Label(), v)
			}
			if v := aksmodel.Str(a.ServerAppSecret); v != "" {
				r.Fail(c.Field("aadProfile", "serverAppSecret"), finding.Mask(v), "cluster %s holds a legacy AAD server application secret", c.Label())
			}
			if v := aksmodel.Str(a.ClientAppID); v != "" {
				r.Fail(c.Field("aadProfile", "clientAppID"), v, "cluster %s is configured with legacy AAD client application %s", c.Label(), v)
			}
		},
	})
}
