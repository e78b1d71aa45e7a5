package aks

import (
	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-406 reads properties.addonProfiles.azureKeyvaultSecretsProvider.
// enabled (key matched case-insensitively): the Key Vault secrets store
// CSI driver lets pods mount secrets from Key Vault.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-406", Title: "Key Vault secrets provider not enabled", Severity: finding.SeverityLow,
			Description: "Without the Key Vault secrets store CSI driver, application secrets end up as Kubernetes Secrets created from pipelines, with copies in CI variables and etcd, no central rotation and no Key Vault audit trail.",
			Remediation: "Enable the add-on: az aks enable-addons --addons azure-keyvault-secrets-provider --enable-secret-rotation (Terraform: key_vault_secrets_provider { secret_rotation_enabled = true }) and mount secrets with SecretProviderClass objects and workload identity.",
			Controls:    check.Controls{ASB: []string{"IM-8"}, CIS: []string{"4.5.2"}, Practice: "data-protection"},
		},
		Reads: []string{"properties.addonProfiles.azureKeyvaultSecretsProvider.enabled"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			if c.AddonEnabled("azureKeyvaultSecretsProvider") {
				return
			}
			key, _ := c.Addon("azureKeyvaultSecretsProvider")
			r.Fail(c.Field("addonProfiles").Key(key).Child("enabled"), "false", "cluster %s does not enable the Key Vault secrets store CSI driver", c.Label())
		},
	})
}
