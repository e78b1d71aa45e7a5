package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestKeyVaultSecretsProvider(t *testing.T) {
	akstest.Table(t, "AKS-406", []akstest.Case{
		akstest.C("absent", akstest.Cluster(`{}`), "properties.addonProfiles[azureKeyvaultSecretsProvider].enabled"),
		akstest.C("off", akstest.Cluster(`{"addonProfiles": {"azureKeyvaultSecretsProvider": {"enabled": false}}}`), "properties.addonProfiles[azureKeyvaultSecretsProvider].enabled"),
		akstest.C("on", akstest.Cluster(`{"addonProfiles": {"azureKeyvaultSecretsProvider": {"enabled": true, "config": {"enableSecretRotation": "true"}}}}`)),
		akstest.C("on, other casing", akstest.Cluster(`{"addonProfiles": {"azureKeyVaultSecretsProvider": {"enabled": true}}}`)),
	})
}
