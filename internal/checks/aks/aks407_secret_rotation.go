package aks

import (
	"strings"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-407 reads properties.addonProfiles.azureKeyvaultSecretsProvider.
// config.enableSecretRotation (a string, "true") when the add-on is on:
// mounted secrets should follow rotations in Key Vault.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-407", Title: "Key Vault secrets provider without rotation", Severity: finding.SeverityLow,
			Description: "Without rotation, the CSI driver mounts a secret once per pod: a secret rotated or revoked in Key Vault stays valid inside running pods until they restart, which defeats rotation after a leak.",
			Remediation: "Enable rotation: az aks addon update --addon azure-keyvault-secrets-provider --enable-secret-rotation (ARM: config.enableSecretRotation: \"true\"; Terraform: secret_rotation_enabled = true).",
			Controls:    check.Controls{ASB: []string{"DP-6"}, Practice: "data-protection"},
		},
		Reads: []string{"properties.addonProfiles.azureKeyvaultSecretsProvider"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			key, a := c.Addon("azureKeyvaultSecretsProvider")
			if a == nil || !aksmodel.Bool(a.Enabled) {
				return
			}
			ck, v, _ := aksmodel.AddonConfig(a, "enableSecretRotation")
			if strings.EqualFold(v, "true") {
				return
			}
			if v == "" {
				v = "false (default)"
			}
			r.Fail(c.Field("addonProfiles").Key(key).Child("config").Key(ck), v, "cluster %s mounts Key Vault secrets without rotation", c.Label())
		},
	})
}
