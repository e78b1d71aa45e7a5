package aks

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-401 reads properties.securityProfile.azureKeyVaultKms.enabled and
// .keyId: Kubernetes Secrets in etcd should be encrypted with a key in
// Azure Key Vault (KMS v2). Host encryption (AKS-403) is a different
// protection and does not count, unlike kubescape's C-0244.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-401", Title: "Secrets not encrypted with a Key Vault key (KMS)", Severity: finding.SeverityHigh,
			Description: "Without KMS, Kubernetes Secrets in etcd are encrypted only with platform-managed keys: you cannot rotate or revoke the key, and a backup or control-plane compromise exposes every secret. KMS wraps the data encryption keys with a key you control in Key Vault.",
			Remediation: "Enable KMS with a Key Vault key: az aks update --enable-azure-keyvault-kms --azure-keyvault-kms-key-id <key-id> --azure-keyvault-kms-key-vault-network-access Private --azure-keyvault-kms-key-vault-resource-id <vault-id> (Terraform: key_management_service { key_vault_key_id = ... }).",
			Controls:    check.Controls{ASB: []string{"DP-5"}, CIS: []string{"5.3.1"}, Practice: "data-protection"},
		},
		Reads: []string{"properties.securityProfile.azureKeyVaultKms.enabled", "properties.securityProfile.azureKeyVaultKms.keyId"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			k := kms(c)
			switch {
			case k == nil || !aksmodel.Bool(k.Enabled):
				r.Fail(c.Field("securityProfile", "azureKeyVaultKms", "enabled"), "false", "cluster %s does not encrypt Kubernetes Secrets with a Key Vault key (KMS)", c.Label())
			case aksmodel.Str(k.KeyID) == "":
				r.Fail(c.Field("securityProfile", "azureKeyVaultKms", "keyId"), "", "cluster %s enables KMS without a Key Vault key id", c.Label())
			}
		},
	})
}

func kms(c *aksmodel.Cluster) *armcontainerservice.AzureKeyVaultKms {
	if s := c.P().SecurityProfile; s != nil {
		return s.AzureKeyVaultKms
	}
	return nil
}
