package aks

import (
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/bulwark-sec/bulwark/internal/aksmodel"
	"github.com/bulwark-sec/bulwark/internal/check"
	"github.com/bulwark-sec/bulwark/internal/finding"
)

// AKS-402 reads properties.securityProfile.azureKeyVaultKms.
// keyVaultNetworkAccess when KMS is enabled: the key vault should be
// reached privately (Private) rather than over its public endpoint (the
// default, Public). No peer checks this.

func init() {
	register(def{
		Meta: check.Meta{
			ID: "AKS-402", Title: "KMS key vault reachable from public networks", Severity: finding.SeverityLow,
			Description: "With keyVaultNetworkAccess Public the vault holding the key that protects every Secret in etcd must accept traffic from public networks. Private keeps the vault behind its firewall, reached by the API server through a private link.",
			Remediation: "Disable public access on the vault and switch KMS to private: az aks update --azure-keyvault-kms-key-vault-network-access Private --azure-keyvault-kms-key-vault-resource-id <vault-id> (Terraform: key_management_service { key_vault_network_access = \"Private\" }).",
			Controls:    check.Controls{ASB: []string{"DP-5", "NS-2"}, Practice: "data-protection"},
		},
		Reads: []string{"properties.securityProfile.azureKeyVaultKms.enabled", "properties.securityProfile.azureKeyVaultKms.keyVaultNetworkAccess"},
		Eval: func(c *aksmodel.Cluster, _ []*aksmodel.Pool, r *check.Report) {
			k := kms(c)
			if k == nil || !aksmodel.Bool(k.Enabled) {
				return
			}
			if k.KeyVaultNetworkAccess != nil && *k.KeyVaultNetworkAccess == armcontainerservice.KeyVaultNetworkAccessTypesPrivate {
				return
			}
			v := "Public (default)"
			if k.KeyVaultNetworkAccess != nil {
				v = string(*k.KeyVaultNetworkAccess)
			}
			r.Fail(c.Field("securityProfile", "azureKeyVaultKms", "keyVaultNetworkAccess"), v, "cluster %s reaches its KMS key vault over public networks (keyVaultNetworkAccess %s)", c.Label(), v)
		},
	})
}
