package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-209 reads properties.securityProfile.workloadIdentity.enabled and
// properties.oidcIssuerProfile.enabled: workload identity needs the OIDC
// issuer. Azure rejects the combination at deployment; templates and
// plans are where it is caught early.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-209", Title: "Workload identity without the OIDC issuer", Severity: finding.SeverityMedium,
			Description: "Workload identity federates service account tokens, which Entra ID verifies against the cluster's OIDC issuer. With the issuer off, the deployment fails or federated credentials cannot be created, and teams fall back to secrets.",
			Remediation: "Enable the issuer with workload identity: oidcIssuerProfile.enabled: true (az aks update --enable-oidc-issuer; Terraform: oidc_issuer_enabled = true).",
			Controls:    check.Controls{ASB: []string{"IM-3"}, Practice: "identity-rbac"},
		},
		Reads: []string{"properties.securityProfile.workloadIdentity", "properties.oidcIssuerProfile"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if !workloadIdentity(c) {
				return
			}
			o := c.P().OidcIssuerProfile
			if o != nil && aksmodel.Bool(o.Enabled) {
				return
			}
			r.Fail(c.Field("oidcIssuerProfile", "enabled"), "false", "cluster %s enables workload identity without the OIDC issuer it needs", c.Label())
		},
	})
}
