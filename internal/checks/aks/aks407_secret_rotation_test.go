package aks

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestSecretRotation(t *testing.T) {
	addon := func(cfg string) string {
		return akstest.Cluster(`{"addonProfiles": {"azureKeyvaultSecretsProvider": {"enabled": true` + cfg + `}}}`)
	}
	const f = "properties.addonProfiles[azureKeyvaultSecretsProvider].config[enableSecretRotation]"
	akstest.Table(t, "AKS-407", []akstest.Case{
		akstest.C("rotation on (a string)", addon(`, "config": {"enableSecretRotation": "true", "rotationPollInterval": "2m"}`)),
		akstest.C("rotation off", addon(`, "config": {"enableSecretRotation": "false"}`), f),
		akstest.C("no config", addon(``), f),
		akstest.C("add-on off: AKS-406's", akstest.Cluster(`{}`)),
	})
}
