package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-801 reads properties.addonProfiles.azurepolicy (azurePolicy)
// .enabled: the Azure Policy add-on (Gatekeeper) should enforce admission
// policies.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-801", Title: "Azure Policy add-on not enabled", Severity: finding.SeverityMedium,
			Description: "Without the Azure Policy add-on, Azure Policy's Kubernetes definitions (pod security baseline and restricted, allowed registries, no privileged containers) are neither audited nor enforced at admission in this cluster.",
			Remediation: "Enable it: az aks enable-addons --addons azure-policy (Terraform: azure_policy_enabled = true), then assign the Kubernetes pod security initiatives at a scope covering the cluster.",
			Controls:    check.Controls{ASB: []string{"PV-2"}, CIS: []string{"4.3"}, Practice: "container"},
		},
		Reads: []string{"properties.addonProfiles.azurepolicy"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if c.AddonEnabled("azurepolicy") {
				return
			}
			key, _ := c.Addon("azurepolicy")
			r.Fail(c.Field("addonProfiles").Key(key).Child("enabled"), "false", "cluster %s does not run the Azure Policy add-on", c.Label())
		},
	})
}
