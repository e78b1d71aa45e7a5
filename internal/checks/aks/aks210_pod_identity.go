package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-210 reads properties.podIdentityProfile.enabled (and whether
// workload identity is on, for the message): the deprecated pod-managed
// identity add-on should be off. No peer checks this; PSRule once
// required it on.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-210", Title: "Deprecated pod-managed identity enabled", Severity: finding.SeverityMedium,
			Description: "Pod-managed identity (aad-pod-identity) is deprecated and out of support: it intercepts IMDS traffic with a node-level component, has known token-theft weaknesses with host networking and kubenet, and gets no fixes. Workload identity replaces it.",
			Remediation: "Migrate each identity to workload identity (federated credentials on the user-assigned identities), then disable the add-on: az aks pod-identity delete ... and az aks update --disable-pod-identity.",
			Controls:    check.Controls{ASB: []string{"IM-3"}, Practice: "identity-rbac"},
		},
		Reads: []string{"properties.podIdentityProfile"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			p := c.P().PodIdentityProfile
			if p == nil || !aksmodel.Bool(p.Enabled) {
				return
			}
			msg := "cluster %s still enables the deprecated pod-managed identity add-on"
			if workloadIdentity(c) {
				msg += "; workload identity is already on: finish the migration and disable it"
			}
			r.Fail(c.Field("podIdentityProfile", "enabled"), "true", msg, c.Label())
		},
	})
}
