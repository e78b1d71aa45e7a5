package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestCMK(t *testing.T) {
	akstest.Table(t, "ACR-009", []akstest.Case{
		akstest.C("disabled", akstest.Registry(`{"encryption": {"status": "disabled"}}`), "properties.encryption.status"),
		akstest.C("absent", akstest.Registry(`{}`), "properties.encryption.status"),
		akstest.C("enabled", akstest.Registry(`{"encryption": {"status": "enabled", "keyVaultProperties": {"keyIdentifier": "https://kv.vault.azure.net/keys/acr", "identity": "00000000-0000-0000-0000-000000000001"}}}`)),
	})
}
