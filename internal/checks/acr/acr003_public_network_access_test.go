package acr

import (
	"testing"

	"github.com/bulwark-sec/bulwark/internal/checks/aks/akstest"
)

func TestPublicNetworkAccess(t *testing.T) {
	akstest.Table(t, "ACR-003", []akstest.Case{
		akstest.C("enabled", akstest.Registry(`{"publicNetworkAccess": "Enabled"}`), "properties.publicNetworkAccess"),
		akstest.C("default", akstest.Registry(`{}`), "properties.publicNetworkAccess"),
		akstest.C("disabled", akstest.Registry(`{"publicNetworkAccess": "Disabled"}`)),
	})
}
