package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestKMSPrivateVault(t *testing.T) {
	kms := func(access string) string {
		return akstest.Cluster(`{"securityProfile": {"azureKeyVaultKms": {"enabled": true, "keyId": "https://kv.vault.azure.net/keys/k/1"` + access + `}}}`)
	}
	const f = "properties.securityProfile.azureKeyVaultKms.keyVaultNetworkAccess"
	akstest.Table(t, "AKS-402", []akstest.Case{
		akstest.C("default public", kms(``), f),
		akstest.C("public", kms(`, "keyVaultNetworkAccess": "Public"`), f),
		akstest.C("private", kms(`, "keyVaultNetworkAccess": "Private", "keyVaultResourceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"`)),
		akstest.C("kms off: AKS-401's", akstest.Cluster(`{}`)),
	})
}
