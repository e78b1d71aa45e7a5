package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestKMS(t *testing.T) {
	akstest.Table(t, "AKS-401", []akstest.Case{
		akstest.C("absent", akstest.Cluster(`{}`), "properties.securityProfile.azureKeyVaultKms.enabled"),
		akstest.C("off", akstest.Cluster(`{"securityProfile": {"azureKeyVaultKms": {"enabled": false}}}`), "properties.securityProfile.azureKeyVaultKms.enabled"),
		akstest.C("on without key", akstest.Cluster(`{"securityProfile": {"azureKeyVaultKms": {"enabled": true}}}`), "properties.securityProfile.azureKeyVaultKms.keyId"),
		akstest.C("on", akstest.Cluster(`{"securityProfile": {"azureKeyVaultKms": {"enabled": true, "keyId": "https://kv-shop.vault.azure.net/keys/etcd/0123456789abcdef0123456789abcdef", "keyVaultNetworkAccess": "Private"}}}`)),
	})
}
