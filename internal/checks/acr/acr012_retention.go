package acr

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerregistry/armcontainerregistry"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// ACR-012 (catalog AKS-A12) reads properties.policies.retentionPolicy.
// status: untagged manifests should be purged after a retention period.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "ACR-012", Title: "No retention policy for untagged manifests", Severity: finding.SeverityInfo,
			Description: "Untagged manifests pile up after every re-tag: old, vulnerable images stay pullable by digest indefinitely and keep showing in scans nobody can act on.",
			Remediation: "Enable retention: az acr config retention update --status enabled --days 30 --type UntaggedManifests (Terraform: retention_policy_in_days = 30). Premium SKU.",
			Controls:    check.Controls{ASB: []string{"PV-6"}, Practice: "registry"},
		},
		Reads: []string{"properties.policies.retentionPolicy"},
		Eval: func(g *aksmodel.Registry, r *check.Report) {
			if p := g.P().Policies; p != nil && p.RetentionPolicy != nil && p.RetentionPolicy.Status != nil && *p.RetentionPolicy.Status == armcontainerregistry.PolicyStatusEnabled {
				return
			}
			r.Fail(g.Field("policies", "retentionPolicy", "status"), "disabled", "registry %s keeps untagged manifests forever", g.Name)
		},
	})
}
