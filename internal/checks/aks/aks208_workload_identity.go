package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-208 reads properties.securityProfile.workloadIdentity.enabled:
// pods should get Azure tokens through Microsoft Entra Workload ID.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-208", Title: "Workload identity not enabled", Severity: finding.SeverityMedium,
			Description: "Without Microsoft Entra Workload ID, pods that call Azure use secrets in Kubernetes Secrets or environment variables, the deprecated pod-managed identity, or the node's kubelet identity, which every pod on the node can reach.",
			Remediation: "Enable the OIDC issuer and workload identity: az aks update --enable-oidc-issuer --enable-workload-identity (ARM: oidcIssuerProfile.enabled and securityProfile.workloadIdentity.enabled; Terraform: oidc_issuer_enabled and workload_identity_enabled = true), then federate each workload's service account.",
			Controls:    check.Controls{ASB: []string{"IM-3"}, Practice: "identity-rbac"},
		},
		Reads: []string{"properties.securityProfile.workloadIdentity"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if workloadIdentity(c) {
				return
			}
			r.Fail(c.Field("securityProfile", "workloadIdentity", "enabled"), "false", "cluster %s does not enable Microsoft Entra Workload ID", c.Label())
		},
	})
}

func workloadIdentity(c *aksmodel.Cluster) bool {
	s := c.P().SecurityProfile
	return s != nil && s.WorkloadIdentity != nil && aksmodel.Bool(s.WorkloadIdentity.Enabled)
}
